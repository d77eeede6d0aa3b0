import Bot
import Foundation
import Logging
import NIOConcurrencyHelpers
import NostrCore
import NostrIngress
import Testing

/// The JSON log format and its redaction net: no secret reaches a line, whichever field it hides in.
@Suite struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let value = NIOLockedValueBox<[String]>([])
        var all: [String] { value.withLockedValue { $0 } }
    }

    static func logger(_ lines: Lines) -> Logger {
        var logger = Logger(label: "test.json") { label in
            JSONLogHandler(label: label) { data in lines.value.withLockedValue { $0.append(String(decoding: data, as: UTF8.self)) } }
        }
        logger.logLevel = .debug
        return logger
    }

    @Test func secretsAreRedactedInMessagesAndMetadata() throws {
        let lines = Lines()
        let logger = Self.logger(lines)
        let nsec = SecretKey.generate().nsec
        logger.info(
            "loaded key \(nsec)",
            metadata: [
                "gitea_token": "tok-123", "ledger_password": "pw-456", "GITEA_SECRET": "s-789",
                "nsec": "raw", "detail": "error near \(nsec) in file"
            ])
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("\n") && lines.all.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["message"] == "loaded key nsec1<redacted>")
        #expect(object["gitea_token"] == "<redacted>" && object["ledger_password"] == "<redacted>")
        #expect(object["GITEA_SECRET"] == "<redacted>" && object["nsec"] == "<redacted>")
        #expect(object["detail"] == "error near nsec1<redacted> in file")
        for secret in [nsec, "tok-123", "pw-456", "s-789", "raw"] { #expect(!line.contains(secret), "\(secret) leaked") }
        #expect(object["level"] == "info" && object["label"] == "test.json")
    }

    @Test func ordinaryValuesPassAndEachLineIsOneJSONObject() throws {
        let lines = Lines()
        let logger = Self.logger(lines)
        let npub = SecretKey.generate().publicKey.npub
        logger.notice("operator-gate running", metadata: ["bot": "\(npub)", "relays_connected": "2"])
        logger.debug("quote \" and newline\n inside")
        #expect(lines.all.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines.all[0].utf8)) as? [String: String])
        #expect(first["bot"] == npub && first["relays_connected"] == "2" && first["message"] == "operator-gate running")
        #expect(first["ts"].flatMap(ISO8601DateFormatter().date(from:)) != nil)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines.all[1].utf8)) as? [String: String])
        #expect(second["message"] == "quote \" and newline\n inside")
        #expect(lines.all.allSatisfy { $0.dropLast().contains("\n") == false })
    }
}

/// No printed form of a value that holds the bot's key carries the secret: the service group logs its services with
/// `String(describing:)` at debug level (found by HostileRelayTests, whose line held libsecp256k1's keypair bytes).
@Suite struct SecretPrintingTests {
    @Test func keyPairsAndTheServicesHoldingThemPrintNoSecret() throws {
        let secret = SecretKey.generate()
        let pair = KeyPair(secretKey: secret)
        let bytes = secret.bytes.map(String.init).joined(separator: ", ")
        let onDemand = OnDemandRelays(keyPair: pair, logger: Logger(label: "test"))
        let announcer = AnnouncementService(
            announcement: BotAnnouncement(reachability: BotReachability(), relays: try RelayList([RelayEndpoint(url: "ws://127.0.0.1:1")])),
            keyPair: pair, relays: ["ws://127.0.0.1:1"], onDemand: onDemand, logger: Logger(label: "test"), now: { 0 })
        var dumped = ""
        dump(pair, to: &dumped)
        let printed: [String] = [
            String(describing: pair), String(reflecting: pair), "\(pair)", dumped, String(describing: onDemand), String(describing: announcer),
            String(describing: [onDemand as Any, announcer as Any]), String(describing: (pair, 1))
        ]
        for text in printed {
            #expect(!text.contains(secret.hex) && !text.contains(secret.nsec), "\(text)")
            #expect(!text.contains("raw") && !text.contains(String(bytes.prefix(40))), "\(text)")
        }
        #expect(String(describing: pair).contains(pair.publicKey.hex))
    }
}
