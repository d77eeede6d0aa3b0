import Foundation

/// The limits a relay states in its NIP-11 information document (`GET` its URL over HTTP with
/// `Accept: application/nostr+json`) that decide whether sending it an event can work.
///
/// Read leniently, field by field: a document that is not a JSON object reads as `nil`; a field of the wrong type
/// reads as absent, so one odd field does not hide the others.
public struct RelayInformation: Sendable, Equatable {
    /// Longest websocket message the relay takes, in bytes.
    public var maximumMessageLength: Int?
    /// The relay serves and accepts nothing before NIP-42 AUTH.
    public var authRequired: Bool
    /// The relay accepts events only under conditions of its own (paid, whitelisted, or tagged to its users).
    public var restrictedWrites: Bool

    public init(maximumMessageLength: Int? = nil, authRequired: Bool = false, restrictedWrites: Bool = false) {
        (self.maximumMessageLength, self.authRequired, self.restrictedWrites) = (maximumMessageLength, authRequired, restrictedWrites)
    }

    /// Longest document read; a larger one is not an information document worth reading.
    public static let maximumDocumentBytes = 65_536

    /// Reads a NIP-11 document; `nil` when it is too large or not a JSON object.
    public static func parse(_ data: Data) -> RelayInformation? {
        guard data.count <= maximumDocumentBytes, let document = try? JSONDecoder().decode(Document.self, from: data) else { return nil }
        let limitation = document.limitation
        let length = limitation?.max_message_length.flatMap { $0 > 0 ? $0 : nil }
        return RelayInformation(
            maximumMessageLength: length, authRequired: limitation?.auth_required ?? false,
            restrictedWrites: limitation?.restricted_writes ?? false)
    }

    /// Why `event` should not be sent to this relay, or `nil` when nothing stated stands in the way.
    /// - Parameter canAuthenticate: whether the sender answers AUTH challenges.
    public func refusal(for event: Event, canAuthenticate: Bool) -> String? {
        if authRequired && !canAuthenticate { return "the relay requires NIP-42 AUTH (NIP-11) and no key answers it" }
        if let limit = maximumMessageLength {
            let size = ClientMessage.event(event).jsonString.utf8.count
            if size > limit { return "the relay takes messages up to \(limit) bytes (NIP-11 max_message_length); this one is \(size)" }
        }
        return nil
    }

    private struct Document: Decodable {
        struct Limitation: Decodable {
            let max_message_length: Int?
            let auth_required: Bool?
            let restricted_writes: Bool?
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                max_message_length = try? container.decodeIfPresent(Int.self, forKey: .max_message_length)
                auth_required = try? container.decodeIfPresent(Bool.self, forKey: .auth_required)
                restricted_writes = try? container.decodeIfPresent(Bool.self, forKey: .restricted_writes)
            }
            enum CodingKeys: String, CodingKey { case max_message_length, auth_required, restricted_writes }
        }
        let limitation: Limitation?
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            limitation = try? container.decodeIfPresent(Limitation.self, forKey: .limitation)
        }
        enum CodingKeys: String, CodingKey { case limitation }
    }
}
