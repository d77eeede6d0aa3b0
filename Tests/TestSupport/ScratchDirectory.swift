import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where the tests put their files: one directory per test process under the system's temporary directory, removed
/// when the process exits. Before, every test made its own directory there and left it: a run of the suites left
/// about 400 of them, 2.7 GB over a few weeks of runs on one machine.
public enum ScratchDirectory {
    /// This test process's directory, made on first use; every test's files and directories go under it.
    public static let root: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("og-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: ScratchDirectory.root) }
        return root
    }()
}
