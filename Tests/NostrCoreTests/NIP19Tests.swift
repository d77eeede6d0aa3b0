import Testing

@testable import NostrCore

@Suite struct NIP19Tests {
    /// The examples printed in NIP-19.
    @Test func publishedExamples() throws {
        #expect(
            try PublicKey(parsing: "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg").hex
                == "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e")
        #expect(
            try SecretKey(parsing: "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5").hex
                == "67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa")
        let profile = try NIP19.decode(
            "nprofile1qqsrhuxx8l9ex335q7he0f09aej04zpazpl0ne2cgukyawd24mayt8gpp4mhxue69uhhytnc9e3k7mgpz4mhxue69uhkg6nzv9ejuumpv34kytnrdaksjlyr9p")
        guard case .nprofile(let key, let relays) = profile else {
            Issue.record("not an nprofile")
            return
        }
        #expect(key.hex == "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d")
        #expect(relays == ["wss://r.x.com", "wss://djbas.sadkb.com"])
    }

    @Test func roundTrips() throws {
        for _ in 0..<50 {
            let secret = SecretKey.generate()
            let pub = secret.publicKey
            #expect(try SecretKey(parsing: secret.nsec) == secret)
            #expect(try PublicKey(parsing: pub.npub) == pub)
            #expect(try PublicKey(parsing: pub.hex) == pub)
            let id = SecureRandom.bytes(32)
            #expect(try NIP19.decode(NIP19.encode(.note(id))) == .note(id))
            let profile = NIP19Entity.nprofile(pub, relays: ["wss://relay.example", "ws://127.0.0.1:7777"])
            #expect(try NIP19.decode(NIP19.encode(profile)) == profile)
            let event = NIP19Entity.nevent(id: id, relays: ["wss://a"], author: pub, kind: 1059)
            #expect(try NIP19.decode(NIP19.encode(event)) == event)
        }
    }

    @Test func uppercaseIsAccepted() throws {
        let pub = SecretKey.generate().publicKey
        #expect(try PublicKey(parsing: pub.npub.uppercased()) == pub)
    }

    @Test func everySingleCharacterTypoIsCaught() throws {
        let npub = SecretKey.generate().publicKey.npub
        let chars = Array(npub)
        for index in 5..<chars.count {
            var mutated = chars
            mutated[index] = chars[index] == "q" ? "p" : "q"
            #expect(throws: NIP19Error.badChecksum) { try NIP19.decode(String(mutated)) }
        }
    }

    @Test func errorsSayWhatIsWrong() throws {
        let npub = SecretKey.generate().publicKey.npub
        #expect(throws: NIP19Error.mixedCase) { try NIP19.decode("npub1" + npub.dropFirst(5).uppercased()) }
        #expect(throws: NIP19Error.missingSeparator) { try NIP19.decode("npubqqqqqqqqq") }
        #expect(throws: NIP19Error.invalidCharacter) { try NIP19.decode("npub1bbbbbbbbbbb") }
        #expect(throws: NIP19Error.badChecksum) { try NIP19.decode(String(npub.dropLast())) }
        let nsecAsNpub = Bech32.encode(hrp: "nprofilex", data: [1, 2, 3])
        #expect(throws: NIP19Error.unexpectedPrefix(found: "nprofilex", expected: ["npub", "nsec", "note", "nprofile", "nevent"])) {
            try NIP19.decode(nsecAsNpub)
        }
        #expect(throws: NIP19Error.wrongPayloadLength(prefix: "npub", expected: 32, actual: 31)) {
            try NIP19.decode(Bech32.encode(hrp: "npub", data: [UInt8](repeating: 1, count: 31)))
        }
        #expect(throws: NIP19Error.malformedTLV("entry of type 0 claims 32 bytes past the end")) {
            try NIP19.decode(Bech32.encode(hrp: "nprofile", data: [0, 32, 1, 2]))
        }
        // A key of the wrong kind for the place it is used.
        #expect(throws: KeyError.unrecognizedFormat(expected: "64 hex characters or an nsec")) {
            try SecretKey(parsing: npub)
        }
        #expect(NIP19Error.badChecksum.description.contains("mistyped"))
    }

    @Test func invalidKeysAreRefused() {
        #expect(throws: KeyError.secretKeyOutOfRange) { try SecretKey(bytes: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: KeyError.secretKeyOutOfRange) { try SecretKey(bytes: [UInt8](repeating: 0xff, count: 32)) }
        #expect(throws: KeyError.wrongLength(expected: 32, actual: 3)) { try PublicKey(bytes: [1, 2, 3]) }
        // x = 5 is not on secp256k1 (5^3 + 7 = 132 is not a square mod p).
        #expect(throws: KeyError.publicKeyNotOnCurve) { try PublicKey(bytes: [UInt8](repeating: 0, count: 31) + [5]) }
    }

    @Test func secretKeysAreRedactedInDescriptions() {
        let secret = SecretKey.generate()
        #expect(!"\(secret)".contains(secret.hex))
        #expect(!String(reflecting: secret).contains(secret.hex))
    }
}
