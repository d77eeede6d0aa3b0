import Foundation

/// Shared decoding of `["TYPE", …]` frames on top of Foundation's JSON decoder.
enum FrameDecoding {
    /// Largest subscription id accepted, in UTF-8 bytes (NIP-01: at most 64 characters; the bot's own ids are ASCII).
    static let maximumSubscriptionIDLength = 64

    private struct Frame<Message>: Decodable {
        let message: Message
        init(from decoder: any Decoder) throws {
            guard let body = decoder.userInfo[FrameDecoding.bodyKey] as? Body<Message> else {
                throw FrameError.malformed("decoder misconfigured")
            }
            var container: UnkeyedDecodingContainer
            do { container = try decoder.unkeyedContainer() } catch { throw FrameError.malformed("not a JSON array") }
            guard !container.isAtEnd else { throw FrameError.malformed("empty array") }
            let type: String
            do { type = try container.decode(String.self) } catch { throw FrameError.malformed("first element is not a string") }
            message = try body.closure(&container, type)
        }
    }

    private final class Body<Message>: @unchecked Sendable {
        let closure: (inout UnkeyedDecodingContainer, String) throws -> Message
        init(_ closure: @escaping (inout UnkeyedDecodingContainer, String) throws -> Message) { self.closure = closure }
    }

    static let bodyKey = CodingUserInfoKey(rawValue: "operator-gate.frame-body")!

    static func decode<Message>(
        _ frame: String,
        _ body: @escaping (inout UnkeyedDecodingContainer, String) throws -> Message
    ) throws(FrameError) -> Message {
        let decoder = JSONDecoder()
        decoder.userInfo[bodyKey] = Body(body)
        do {
            return try decoder.decode(Frame<Message>.self, from: Data(frame.utf8)).message
        } catch let error as FrameError {
            throw error
        } catch let error as EventError {
            throw .invalidEvent(error)
        } catch {
            throw .malformed(JSONErrorText.describe(error))
        }
    }

    static func string(_ container: inout UnkeyedDecodingContainer, type: String, expected: String = "a string") throws -> String {
        let position = container.currentIndex
        guard !container.isAtEnd, let value = try? container.decode(String.self) else {
            throw FrameError.invalidField(type: type, position: position, expected: expected)
        }
        return value
    }

    static func optionalString(_ container: inout UnkeyedDecodingContainer, type: String) throws -> String {
        container.isAtEnd ? "" : try string(&container, type: type)
    }

    static func subscriptionID(_ container: inout UnkeyedDecodingContainer, type: String) throws -> String {
        let position = container.currentIndex
        let value = try string(&container, type: type, expected: "a subscription id")
        // Bytes, not characters: one character can carry any number of combining marks.
        guard !value.isEmpty, value.utf8.count <= maximumSubscriptionIDLength else {
            throw FrameError.invalidField(type: type, position: position, expected: "a subscription id of 1...64 bytes")
        }
        return value
    }

    static func event(_ container: inout UnkeyedDecodingContainer, type: String) throws -> Event {
        guard !container.isAtEnd else {
            throw FrameError.invalidField(type: type, position: container.currentIndex, expected: "an event object")
        }
        do { return try container.decode(Event.self) } catch let error as EventError {
            throw FrameError.invalidEvent(error)
        } catch {
            throw FrameError.invalidEvent(.malformedJSON(JSONErrorText.describe(error)))
        }
    }
}
