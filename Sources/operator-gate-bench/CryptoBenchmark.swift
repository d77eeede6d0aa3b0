import CLISupport
import CSecp256k1Bench
import Encoding
import Foundation
import NostrCore

/// Times NostrCore's hot operations and the same libsecp256k1 calls made directly from C in the same run.
///
/// Each figure is the fastest of `batches` batches (the least disturbed by the rest of the machine), in µs per op.
struct CryptoBenchmark {
    let iterations: Int
    let batches: Int

    struct Report {
        var rows: [(name: String, key: String, micros: Double)] = []
        var ratios: [(name: String, key: String, ratio: Double)] = []

        var table: String {
            var lines = ["operation".padding(toLength: 52, withPad: " ", startingAt: 0) + "    µs/op"]
            for row in rows { lines.append(row.name.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: "%9.2f", row.micros)) }
            lines.append("")
            lines.append("Swift wrapper vs direct C call (target ≤ 1.15×)")
            for ratio in ratios {
                lines.append(ratio.name.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: "%8.3f×", ratio.ratio))
            }
            return lines.joined(separator: "\n")
        }

        var json: JSONOutput {
            .object(
                rows.map { ($0.key, JSONOutput.double($0.micros)) }
                    + [("ratios", .object(ratios.map { ($0.key, JSONOutput.double($0.ratio)) }))])
        }
    }

    /// Fastest batch, in µs per iteration.
    private func time(_ count: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<batches {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<count { body() }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
            best = min(best, elapsed / Double(count))
        }
        return best
    }

    /// Times a Swift body and its direct C twin in alternating batches, so drift in clock speed or machine load
    /// hits both alike. Returns the fastest batch of each, in µs per iteration.
    private func compare(_ count: Int, swift body: () -> Void, c kernel: () -> Double) -> (swift: Double, c: Double) {
        var bestSwift = Double.infinity
        var bestC = Double.infinity
        for _ in 0..<batches {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<count { body() }
            bestSwift = min(bestSwift, Double(DispatchTime.now().uptimeNanoseconds - start) / 1000 / Double(count))
            let nanos = kernel()
            precondition(nanos >= 0, "the direct C call failed")
            bestC = min(bestC, nanos / 1000)
        }
        return (bestSwift, bestC)
    }

    func run() -> Report {
        var report = Report()
        let bot = SecretKey.generate()
        let botPair = KeyPair(secretKey: bot)
        let operatorKey = KeyPair(secretKey: .generate())
        let text = "merge timmy-config!7 squash"
        let now = Int64(Date().timeIntervalSince1970)

        let dm = NIP04.message(text, author: operatorKey, recipient: bot.publicKey, now: now)
        let dmJSON = Data(dm.jsonString.utf8)
        let id = [UInt8](Hex.decode(dm.id)!)
        let sig = [UInt8](Hex.decode(dm.sig)!)
        let author = operatorKey.publicKey.bytes
        let nip44Key = NIP44.conversationKey(secretKey: bot, publicKey: operatorKey.publicKey)
        let nip44Payload = try! NIP44.encrypt(text, conversationKey: nip44Key)
        let wrap = try! NIP17.message(text, author: operatorKey, recipient: bot.publicKey, now: now).toRecipient
        let cache = ConversationKeyCache(secretKey: bot)
        _ = cache.nip44Key(for: operatorKey.publicKey)
        _ = cache.nip04Key(for: operatorKey.publicKey)

        let parseCount = iterations * 5
        report.rows.append(("event parse (kind 4, JSON → Event)", "event_parse", time(parseCount) { _ = try! Event.parse(dmJSON) }))
        report.rows.append(
            (
                "event id (canonical JSON + SHA-256)", "event_id",
                time(parseCount) {
                    _ = Event.idBytes(pubkey: dm.pubkey, createdAt: dm.createdAt, kind: dm.kind, tags: dm.tags, content: dm.content)
                }
            ))
        report.rows.append(("event verify (id + signature)", "event_verify", time(iterations) { precondition(dm.isValid) }))
        let (swiftVerify, cVerify) = compare(
            iterations,
            swift: {
                precondition(Schnorr.verify(signature: sig, message: id, publicKey: author))
            }, c: { og_bench_c_verify(sig, id, author, iterations) })
        report.rows.append(("schnorr verify (Swift)", "schnorr_verify_swift", swiftVerify))
        report.rows.append(("schnorr verify (C direct)", "schnorr_verify_c", cVerify))
        report.rows.append(
            (
                "event sign (id + signature)", "event_sign",
                time(iterations) {
                    _ = EventTemplate(kind: 4, content: text, tags: [], createdAt: now).sign(with: botPair)
                }
            ))
        let (swiftSign, cSign) = compare(
            iterations,
            swift: {
                _ = Schnorr.sign(message: id, with: KeyPair(secretKey: bot), auxiliaryRandomness: id)
            }, c: { og_bench_c_sign(bot.bytes, id, iterations) })
        report.rows.append(("schnorr sign incl. keypair (Swift)", "schnorr_sign_swift", swiftSign))
        report.rows.append(("schnorr sign incl. keypair (C direct)", "schnorr_sign_c", cSign))
        let (swiftECDH, cECDH) = compare(
            iterations,
            swift: {
                _ = ECDH.sharedX(secretKey: bot, publicKey: operatorKey.publicKey)
            }, c: { og_bench_c_ecdh(bot.bytes, author, iterations) })
        report.rows.append(("ECDH x-only (Swift)", "ecdh_swift", swiftECDH))
        report.rows.append(("ECDH x-only (C direct)", "ecdh_c", cECDH))
        report.rows += decryptionRows(dm: dm, bot: bot, sender: operatorKey.publicKey, cache: cache, nip44Payload: nip44Payload, wrap: wrap)
        report.ratios.append(("schnorr verify Swift / C", "verify", swiftVerify / cVerify))
        report.ratios.append(("ECDH Swift / C", "ecdh", swiftECDH / cECDH))
        report.ratios.append(("schnorr sign Swift / C", "sign", swiftSign / cSign))
        return report
    }

    /// NIP-04 and NIP-44 decryption (cold and with the conversation key cached) and a NIP-17 unwrap, µs each.
    private func decryptionRows(
        dm: Event, bot: SecretKey, sender: PublicKey, cache: ConversationKeyCache, nip44Payload: String,
        wrap: Event
    ) -> [(String, String, Double)] {
        var rows: [(String, String, Double)] = []
        rows.append(
            (
                "NIP-04 decrypt, cold (ECDH + AES)", "nip04_decrypt_cold",
                time(iterations) {
                    _ = try! NIP04.decrypt(dm.content, secretKey: bot, publicKey: sender)
                }
            ))
        rows.append(
            (
                "NIP-04 decrypt, cached key", "nip04_decrypt_cached",
                time(iterations * 5) {
                    _ = try! NIP04.decrypt(dm.content, sharedKey: cache.nip04Key(for: sender))
                }
            ))
        rows.append(
            (
                "NIP-44 decrypt, cold conversation key", "nip44_decrypt_cold",
                time(iterations) {
                    _ = try! NIP44.decrypt(nip44Payload, conversationKey: NIP44.conversationKey(secretKey: bot, publicKey: sender))
                }
            ))
        rows.append(
            (
                "NIP-44 decrypt, cached conversation key", "nip44_decrypt_cached",
                time(iterations * 5) {
                    _ = try! NIP44.decrypt(nip44Payload, conversationKey: cache.nip44Key(for: sender))
                }
            ))
        rows.append(
            (
                "NIP-17 unwrap (2 verifies, 1 ECDH, cached seal key)", "unwrap",
                time(iterations / 2) {
                    _ = try! NIP59.unwrap(wrap, keys: cache)
                }
            ))
        return rows
    }
}
