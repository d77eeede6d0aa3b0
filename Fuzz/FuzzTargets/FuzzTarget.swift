import Foundation

/// One decoder of outside bytes, as a libFuzzer target.
///
/// Each case has its own executable (`fuzz-<rawValue>`, in `Fuzz/Entry/`), built with
/// `-sanitize=fuzzer,address` by `scripts/fuzz`. Built without the fuzzer (the ordinary build), the same
/// executable replays files and folders given as arguments through ``run(_:)``, and the test suite replays every
/// committed corpus (`Fuzz/Corpus/<rawValue>/`), so each crash once found stays a regression test.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Relay frames: `RelayMessage.parse` with the EVENT scanner and the prescreen, checked against the full decoder.
    case relayFrame = "relay-frame"
    /// NIP-04 payloads (`base64?iv=base64`) under a fixed shared key.
    case nip04
    /// NIP-44 v2 payloads, and plaintexts round-tripped through encryption.
    case nip44
    /// Gift wraps: outer events, and seal and rumor JSON reached by encrypting the input under fixed keys.
    case giftWrap = "gift-wrap"
    /// NIP-19 bech32 strings (npub, nsec, note, nprofile, nevent), round-tripped when they decode.
    case nip19
    /// The DM command grammar and the JSON command form of `gate exec`.
    case command
    /// The configuration file, `relays.json`, frame captures and relays' NIP-11 documents.
    case config
    /// Gitea API response bodies, decoded as every model the Gate reads.
    case giteaJSON = "gitea-json"

    /// Runs one input through the decoder. Returns normally for any input; a broken invariant traps (a finding).
    public func run(_ data: Data) {
        switch self {
        case .relayFrame: FuzzChecks.relayFrame(data)
        case .nip04: FuzzChecks.nip04(data)
        case .nip44: FuzzChecks.nip44(data)
        case .giftWrap: FuzzChecks.giftWrap(data)
        case .nip19: FuzzChecks.nip19(data)
        case .command: FuzzChecks.command(data)
        case .config: FuzzChecks.config(data)
        case .giteaJSON: FuzzChecks.giteaJSON(data)
        }
    }

    /// The target this process runs: its executable is `fuzz-<rawValue>`.
    public static let ofThisExecutable: FuzzTarget = {
        let name = URL(fileURLWithPath: CommandLine.arguments.first ?? "").lastPathComponent
        guard name.hasPrefix("fuzz-"), let target = FuzzTarget(rawValue: String(name.dropFirst(5))) else {
            preconditionFailure("a fuzz executable is named fuzz-<target>, not \(name)")
        }
        return target
    }()

    /// libFuzzer's callback body: one input of `size` bytes.
    public func fuzz(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        run(bytes.map { Data(bytes: $0, count: size) } ?? Data())
        return 0
    }

    /// Without the fuzzer: replays every file named on the command line (folders: every file in them).
    public func replayArguments() {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: fuzz-\(rawValue) FILE_OR_FOLDER…  (built with -sanitize=fuzzer: libFuzzer's options)\n".utf8))
            exit(2)
        }
        var count = 0
        for path in paths {
            for file in FuzzCorpus.files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                run(data)
                count += 1
            }
        }
        print("fuzz-\(rawValue): \(count) inputs replayed, no failure")
    }
}

#if FUZZING
    /// libFuzzer's entry point (with `-sanitize=fuzzer`, libFuzzer's own `main` drives it), for the target named by
    /// the executable.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        FuzzTarget.ofThisExecutable.fuzz(bytes, size)
    }
#endif
