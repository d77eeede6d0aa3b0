import Encoding
import Testing

@testable import NostrCore

/// Every row of BIP-340's `test-vectors.csv`.
@Suite struct BIP340Tests {
    struct Row: CustomTestStringConvertible, Sendable {
        let index: Int, secretKey: String, publicKey: String, auxRand: String, message: String, signature: String
        let expected: Bool, comment: String
        var testDescription: String { "row \(index) \(comment)" }
    }

    static func rows() throws -> [Row] {
        try Fixture.text("bip340-test-vectors.csv").split(whereSeparator: \.isNewline).dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Row(
                index: Int(f[0])!, secretKey: f[1], publicKey: f[2], auxRand: f[3], message: f[4], signature: f[5],
                expected: f[6] == "TRUE", comment: f.count > 7 ? f[7...].joined(separator: ",") : "")
        }
    }

    @Test func fileHasAllNineteenRows() throws {
        #expect(try Self.rows().count == 19)
    }

    @Test(arguments: try BIP340Tests.rows())
    func row(_ row: Row) throws {
        let message = hex(row.message)
        let signature = hex(row.signature)
        let publicKey = hex(row.publicKey)
        #expect(Schnorr.verify(signature: signature, message: message, publicKey: publicKey) == row.expected)
        if !row.secretKey.isEmpty {
            let keyPair = KeyPair(secretKey: try SecretKey(bytes: hex(row.secretKey)))
            #expect(keyPair.publicKey.bytes == publicKey)
            let produced = Schnorr.sign(message: message, with: keyPair, auxiliaryRandomness: hex(row.auxRand))
            #expect(Hex.encode(produced) == row.signature.lowercased())
        }
    }

    @Test func freshAuxiliaryRandomnessGivesDifferentValidSignatures() throws {
        let keyPair = KeyPair(secretKey: .generate())
        let message = SecureRandom.bytes(32)
        let first = Schnorr.sign(message: message, with: keyPair)
        let second = Schnorr.sign(message: message, with: keyPair)
        #expect(first != second)
        #expect(Schnorr.verify(signature: first, message: message, publicKey: keyPair.publicKey.bytes))
        #expect(Schnorr.verify(signature: second, message: message, publicKey: keyPair.publicKey.bytes))
    }

    @Test func malformedInputsAreFalseNotCrashes() {
        #expect(!Schnorr.verify(signature: [], message: [], publicKey: []))
        #expect(!Schnorr.verify(signature: [UInt8](repeating: 0, count: 64), message: [1], publicKey: [UInt8](repeating: 0xff, count: 32)))
    }
}
