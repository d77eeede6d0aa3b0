import Foundation
import Testing

@testable import NostrCore

@Suite struct NIP04Tests {
    /// Payloads made by rust-nostr (see `Fixtures/SOURCES.md`), decrypted from both sides.
    @Test func independentVectorsDecrypt() throws {
        let file = try Fixture.json("nip04-vectors.json") as! [String: Any]
        let vectors = file["vectors"] as! [[String: String]]
        #expect(vectors.count == 21)
        for v in vectors {
            let sec1 = try SecretKey(bytes: hex(v["sec1"]!))
            let sec2 = try SecretKey(bytes: hex(v["sec2"]!))
            #expect(sec1.publicKey.hex == v["pub1"] && sec2.publicKey.hex == v["pub2"])
            #expect(try NIP04.decrypt(v["payload"]!, secretKey: sec2, publicKey: sec1.publicKey) == v["plaintext"])
            #expect(try NIP04.decrypt(v["payload"]!, secretKey: sec1, publicKey: sec2.publicKey) == v["plaintext"])
        }
    }

    @Test func fixedIVGivesTheReferenceCiphertext() throws {
        let file = try Fixture.json("nip04-vectors.json") as! [String: Any]
        let v = (file["vectors"] as! [[String: String]])[1]
        let iv = [UInt8](Data(base64Encoded: v["payload"]!.components(separatedBy: "?iv=")[1])!)
        let payload = NIP04.encrypt(
            v["plaintext"]!, secretKey: try SecretKey(bytes: hex(v["sec1"]!)),
            publicKey: try PublicKey(bytes: hex(v["pub2"]!)), iv: iv)
        #expect(payload == v["payload"])
    }

    @Test func roundTrip() throws {
        let a = SecretKey.generate()
        let b = SecretKey.generate()
        for text in ["", "x", "exactly sixteen!", String(repeating: "ü", count: 3000)] {
            let payload = NIP04.encrypt(text, secretKey: a, publicKey: b.publicKey)
            #expect(try NIP04.decrypt(payload, secretKey: b, publicKey: a.publicKey) == text)
        }
    }

    @Test func malformedPayloadsAreErrors() throws {
        let a = SecretKey.generate()
        let b = SecretKey.generate()
        let good = NIP04.encrypt("close timmy-config#12", secretKey: a, publicKey: b.publicKey)
        let parts = good.components(separatedBy: "?iv=")
        func decrypt(_ payload: String) throws(NIP04Error) -> String {
            try NIP04.decrypt(payload, secretKey: b, publicKey: a.publicKey)
        }
        #expect(throws: NIP04Error.malformedPayload) { try decrypt(parts[0]) }
        #expect(throws: NIP04Error.malformedPayload) { try decrypt(parts[0] + "?xx=" + parts[1]) }
        #expect(throws: NIP04Error.invalidBase64(part: "ciphertext")) { try decrypt("!!!?iv=" + parts[1]) }
        #expect(throws: NIP04Error.invalidBase64(part: "IV")) { try decrypt(parts[0] + "?iv=%%%") }
        #expect(throws: NIP04Error.invalidIVLength(8)) { try decrypt(parts[0] + "?iv=" + Data(count: 8).base64EncodedString()) }
        #expect(throws: NIP04Error.invalidCiphertextLength(5)) { try decrypt(Data(count: 5).base64EncodedString() + "?iv=" + parts[1]) }
        #expect(throws: NIP04Error.invalidCiphertextLength(0)) { try decrypt("?iv=" + parts[1]) }
        // The wrong key almost always breaks the padding; when it does not, the text is garbage but no crash.
        var failures = 0
        for _ in 0..<20 {
            if (try? NIP04.decrypt(good, secretKey: SecretKey.generate(), publicKey: a.publicKey)) == nil { failures += 1 }
        }
        #expect(failures >= 15)
    }
}
