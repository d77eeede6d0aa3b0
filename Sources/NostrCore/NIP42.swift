/// NIP-42 client authentication.
public enum NIP42 {
    /// The event kind of an authentication event.
    public static let kind = 22242

    /// Builds and signs the kind-22242 answer to `challenge` from `relayURL`, stamped `now`.
    public static func authEvent(relayURL: String, challenge: String, keyPair: KeyPair, now: Int64) -> Event {
        EventTemplate(kind: kind, content: "", tags: [["relay", relayURL], ["challenge", challenge]], createdAt: now)
            .sign(with: keyPair)
    }
}
