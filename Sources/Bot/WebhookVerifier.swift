import Crypto
import Encoding
import Foundation

/// Decides what the webhook receiver answers, from the request's headers and raw body alone: nothing is stored
/// unless it verified.
///
/// | request                                                     | answer | stored |
/// |-------------------------------------------------------------|--------|--------|
/// | body over 1 MiB                                             | 413    | no     |
/// | no `X-Gitea-Signature` (nor `X-Hub-Signature-256`), or one   | 401    | no     |
/// | that is not the hex HMAC-SHA256 of the body under the secret |        |        |
/// | no usable `X-Gitea-Delivery`, or a body that is not a JSON  | 400    | no     |
/// | object                                                      |        |        |
/// | an event nobody can watch (`fork`, `create`, …)             | 202    | no     |
/// | otherwise                                                   | accept | yes (a repeated delivery id: 200, unchanged) |
///
/// The signature is compared in constant time (swift-crypto's `isValidAuthenticationCode`).
public struct WebhookVerifier: Sendable {
    /// The largest body read.
    public static let maximumBodyBytes = 1 << 20

    public enum Verdict: Equatable, Sendable {
        case accept(WebhookDelivery)
        /// Answer with this status and text; store nothing.
        case answer(status: Int, reason: String)
    }

    private let key: SymmetricKey

    public init(secret: String) { key = SymmetricKey(data: Array(secret.utf8)) }

    /// - Parameter headers: header names lowercased.
    public func verify(headers: [String: String], body: [UInt8], now: Int64) -> Verdict {
        guard body.count <= Self.maximumBodyBytes else { return .answer(status: 413, reason: "body over 1 MiB") }
        let signature = headers["x-gitea-signature"] ?? headers["x-hub-signature-256"].map { String($0.dropFirst("sha256=".count)) }
        guard let signature else { return .answer(status: 401, reason: "missing X-Gitea-Signature") }
        guard let mac = Hex.decode(signature.lowercased()), mac.count == 32,
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key)
        else { return .answer(status: 401, reason: "signature does not match the body under the webhook secret") }
        guard let id = headers["x-gitea-delivery"] ?? headers["x-github-delivery"], (1...100).contains(id.utf8.count),
            id.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit || $0 == "-" || ($0.isASCII && $0.properties.isAlphabetic) })
        else { return .answer(status: 400, reason: "missing or malformed X-Gitea-Delivery") }
        guard (try? JSONSerialization.jsonObject(with: Data(body))) is [String: Any] else {
            return .answer(status: 400, reason: "the body is not a JSON object")
        }
        let event = headers["x-gitea-event"] ?? headers["x-github-event"] ?? ""
        let eventType = headers["x-gitea-event-type"] ?? event
        guard WatchKind(event: event, eventType: eventType) != nil else {
            return .answer(status: 202, reason: "event \"\(event.utf8Prefix(40))\" is not one anyone can watch; not stored")
        }
        return .accept(WebhookDelivery(id: id, event: event, eventType: eventType, body: String(decoding: body, as: UTF8.self), receivedAt: now))
    }
}
