import Foundation
import FuzzTargets
import Testing

/// Every committed fuzz corpus (seeds and the inputs of crashes once found) replayed through its target's checks,
/// without the fuzzer: a decoder change that breaks one of them fails here.
@Suite struct FuzzCorpusTests {
    static let corpusRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus").path

    @Test(arguments: FuzzTarget.allCases)
    func corpusReplaysCleanly(target: FuzzTarget) {
        let files = FuzzCorpus.files(at: Self.corpusRoot + "/" + target.rawValue)
        #expect(files.count >= 3, "Fuzz/Corpus/\(target.rawValue) needs seeds")
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                Issue.record("cannot read \(file)")
                continue
            }
            target.run(data)
        }
    }
}
