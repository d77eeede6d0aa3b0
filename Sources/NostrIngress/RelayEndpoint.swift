/// One relay from `relays.json`: where it is and what the bot uses it for.
public struct RelayEndpoint: Hashable, Sendable, Codable {
    /// `ws://` or `wss://` address, as written in the file (normalized: no trailing slash).
    public let url: String
    /// Subscribe to the inbox here.
    public let read: Bool
    /// Publish acknowledgements here.
    public let write: Bool

    public init(url: String, read: Bool = true, write: Bool = true) { (self.url, self.read, self.write) = (url, read, write) }
}
