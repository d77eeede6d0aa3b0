import Foundation
import NostrCore
import TestSupport
import Testing

/// The tool commands take their secret key from a private file or the environment, so it need not appear in `ps`
/// or shell history; a file others may read is refused.
@Suite(.serialized) struct SecretKeySourcesTests {
    static let template = #"{"kind":1,"content":"hello","created_at":1800000000}"#

    func author(_ output: String) -> String? {
        (try? Event.parse(output.trimmingCharacters(in: .whitespacesAndNewlines)))?.pubkey
    }

    @Test func aKeyFileOrTheEnvironmentSignsAndAReadableFileIsRefused() async throws {
        let secret = SecretKey.generate()
        let path = ScratchDirectory.root.appendingPathComponent("og-sec-\(UUID().uuidString).nsec").path
        try (secret.nsec + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let refused = try await OperatorGateProcess.run(["event", "sign", "--sec-file", path], stdin: Self.template)
        #expect(refused.status == 1 && refused.stderr.contains("chmod 600"), "\(refused.stderr)")

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let fromFile = try await OperatorGateProcess.run(["event", "sign", "--sec-file", path], stdin: Self.template)
        #expect(fromFile.status == 0 && author(fromFile.stdout) == secret.publicKey.hex, "\(fromFile.stderr)")

        let other = SecretKey.generate()
        let fromEnvironment = try await OperatorGateProcess.run(
            ["event", "sign"], stdin: Self.template,
            environment: ["OPERATOR_GATE_NSEC": other.nsec])
        #expect(fromEnvironment.status == 0 && author(fromEnvironment.stdout) == other.publicKey.hex, "\(fromEnvironment.stderr)")

        let none = try await OperatorGateProcess.run(["event", "sign"], stdin: Self.template, environment: ["OPERATOR_GATE_NSEC": ""])
        #expect(none.status == 1 && none.stderr.contains("--sec-file"), "\(none.stderr)")
    }
}
