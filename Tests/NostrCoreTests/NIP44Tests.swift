import Crypto
import Encoding
import Foundation
import Testing

@testable import NostrCore

/// Every case of paulmillr/nip44 `nip44.vectors.json` (v2).
@Suite struct NIP44Tests {
    static func v2() throws -> [String: Any] {
        (try Fixture.json("nip44.vectors.json") as! [String: Any])["v2"] as! [String: Any]
    }
    static func valid(_ group: String) throws -> [[String: Any]] {
        ((try v2()["valid"] as! [String: Any])[group] as! [[String: Any]])
    }
    static func invalid(_ group: String) throws -> [Any] {
        ((try v2()["invalid"] as! [String: Any])[group] as! [Any])
    }

    @Test func conversationKeys() throws {
        let cases = try Self.valid("get_conversation_key")
        #expect(cases.count == 35)
        for c in cases {
            let key = NIP44.conversationKey(
                secretKey: try SecretKey(bytes: hex(c["sec1"] as! String)),
                publicKey: try PublicKey(bytes: hex(c["pub2"] as! String)))
            #expect(Hex.encode(key) == c["conversation_key"] as! String, "\(c["note"] ?? "")")
        }
    }

    @Test func messageKeys() throws {
        let group = (try Self.v2()["valid"] as! [String: Any])["get_message_keys"] as! [String: Any]
        let conversationKey = hex(group["conversation_key"] as! String)
        let cases = group["keys"] as! [[String: String]]
        #expect(cases.count == 32)
        for c in cases {
            let keys = try NIP44.messageKeys(conversationKey: conversationKey, nonce: hex(c["nonce"]!))
            #expect(Hex.encode(keys.chachaKey) == c["chacha_key"])
            #expect(Hex.encode(keys.chachaNonce) == c["chacha_nonce"])
            #expect(Hex.encode(keys.hmacKey) == c["hmac_key"])
        }
    }

    @Test func paddedLengths() throws {
        let cases = (try Self.v2()["valid"] as! [String: Any])["calc_padded_len"] as! [[Int]]
        #expect(cases.count == 24)
        for pair in cases { #expect(NIP44.paddedLength(pair[0]) == pair[1], "len \(pair[0])") }
    }

    @Test func encryptDecrypt() throws {
        let cases = try Self.valid("encrypt_decrypt")
        #expect(cases.count == 10)
        for c in cases {
            let sec1 = try SecretKey(bytes: hex(c["sec1"] as! String))
            let sec2 = try SecretKey(bytes: hex(c["sec2"] as! String))
            let key = NIP44.conversationKey(secretKey: sec1, publicKey: sec2.publicKey)
            #expect(Hex.encode(key) == c["conversation_key"] as! String)
            // Symmetric: the other side derives the same key.
            #expect(NIP44.conversationKey(secretKey: sec2, publicKey: sec1.publicKey) == key)
            let payload = try NIP44.encrypt(c["plaintext"] as! String, conversationKey: key, nonce: hex(c["nonce"] as! String))
            #expect(payload == c["payload"] as! String)
            #expect(try NIP44.decrypt(payload, conversationKey: key) == c["plaintext"] as! String)
        }
    }

    @Test func longMessages() throws {
        let cases = try Self.valid("encrypt_decrypt_long_msg")
        #expect(cases.count == 3)
        for c in cases {
            let plaintext = String(repeating: c["pattern"] as! String, count: c["repeat"] as! Int)
            #expect(Hex.encode(SHA256.hash(data: Array(plaintext.utf8))) == c["plaintext_sha256"] as! String)
            let key = hex(c["conversation_key"] as! String)
            let payload = try NIP44.encrypt(plaintext, conversationKey: key, nonce: hex(c["nonce"] as! String))
            #expect(Hex.encode(SHA256.hash(data: Array(payload.utf8))) == c["payload_sha256"] as! String)
            #expect(try NIP44.decrypt(payload, conversationKey: key) == plaintext)
        }
    }

    @Test func invalidMessageLengths() throws {
        let lengths = try Self.invalid("encrypt_msg_lengths") as! [Int]
        #expect(lengths == [0, 65536, 100000, 10_000_000])
        let key = [UInt8](repeating: 7, count: 32)
        for length in lengths {
            #expect(throws: NIP44Error.invalidPlaintextLength(length)) {
                try NIP44.encrypt(String(repeating: "a", count: length), conversationKey: key)
            }
        }
    }

    @Test func invalidConversationKeys() throws {
        let cases = try Self.invalid("get_conversation_key") as! [[String: String]]
        #expect(cases.count == 8)
        for c in cases {
            // Either half is refused before any ECDH: a bad secret is out of range, a bad public key is off the curve.
            let secret = try? SecretKey(bytes: hex(c["sec1"]!))
            let publicKey = try? PublicKey(bytes: hex(c["pub2"]!))
            #expect(secret == nil || publicKey == nil, "\(c["note"]!)")
        }
    }

    @Test func invalidPayloads() throws {
        let cases = try Self.invalid("decrypt") as! [[String: String]]
        #expect(cases.count == 12)
        for c in cases {
            #expect(throws: NIP44Error.self, "\(c["note"]!)") {
                try NIP44.decrypt(c["payload"]!, conversationKey: hex(c["conversation_key"]!))
            }
        }
    }

    @Test func invalidPayloadsFailForTheDocumentedReason() throws {
        let cases = try Self.invalid("decrypt") as! [[String: String]]
        var reasons: [String: NIP44Error] = [:]
        for c in cases {
            do { _ = try NIP44.decrypt(c["payload"]!, conversationKey: hex(c["conversation_key"]!)) } catch {
                reasons[c["note"]!] = error
            }
        }
        #expect(reasons["unknown encryption version"] == .unsupportedVersionMarker)
        #expect(reasons["unknown encryption version 0"] == .unknownVersion(0))
        #expect(reasons["invalid MAC"] == .invalidMAC)
        #expect(reasons["invalid padding"] == .invalidPadding)
    }

    @Test func tamperedPayloadFailsTheMACBeforeDecrypting() throws {
        let key = NIP44.conversationKey(secretKey: .generate(), publicKey: SecretKey.generate().publicKey)
        let payload = try NIP44.encrypt("merge timmy-config!7 squash", conversationKey: key)
        var bytes = [UInt8](Data(base64Encoded: payload)!)
        bytes[40] ^= 1
        #expect(throws: NIP44Error.invalidMAC) { try NIP44.decrypt(Data(bytes).base64EncodedString(), conversationKey: key) }
        var wrongKey = key
        wrongKey[0] ^= 1
        #expect(throws: NIP44Error.invalidMAC) { try NIP44.decrypt(payload, conversationKey: wrongKey) }
    }

    @Test func conversationKeyCacheComputesOncePerPeer() throws {
        let mine = SecretKey.generate()
        let cache = ConversationKeyCache(secretKey: mine, capacity: 2)
        let peers = (0..<3).map { _ in SecretKey.generate().publicKey }
        #expect(cache.nip44Key(for: peers[0]) == NIP44.conversationKey(secretKey: mine, publicKey: peers[0]))
        #expect(cache.nip04Key(for: peers[0]) == ECDH.sharedX(secretKey: mine, publicKey: peers[0]))
        #expect(cache.statistics == (hits: 1, misses: 1))
        _ = cache.nip44Key(for: peers[1])
        _ = cache.nip44Key(for: peers[2])  // evicts peers[0]
        #expect(cache.statistics == (hits: 1, misses: 3))
        _ = cache.nip44Key(for: peers[0])
        #expect(cache.statistics == (hits: 1, misses: 4))
        _ = cache.nip44Key(for: peers[0])
        #expect(cache.statistics == (hits: 2, misses: 4))
    }
}
