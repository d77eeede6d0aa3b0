import Testing

@testable import Gate

@Suite struct GiteaErrorTests {
    @Test func statusCodesMapToActionableErrors() {
        let cases: [(Int, GiteaError)] = [
            (401, .unauthorized(message: "m")), (403, .forbidden(message: "m")), (404, .notFound(message: "m")),
            (405, .notAllowed(message: "m")), (409, .conflict(message: "m")), (412, .preconditionFailed(message: "m")),
            (422, .validation(message: "m")), (423, .locked(message: "m")), (429, .unavailable(status: 429, message: "m")),
            (500, .unavailable(status: 500, message: "m")), (503, .unavailable(status: 503, message: "m")),
            (418, .unexpected(status: 418, message: "m"))
        ]
        for (status, expected) in cases { #expect(GiteaError.from(status: status, message: "m") == expected, "\(status)") }
        #expect(GiteaError.from(status: 401, message: "").description.contains("GITEA_TOKEN"))
        #expect(GiteaError.from(status: 405, message: "PR already merged").description.hasSuffix("(Gitea said: PR already merged)"))
    }

    /// Only errors that prove nothing was written may mark a ledger entry failed; the rest must be probed.
    @Test func onlyDefiniteRefusalsCountAsNotApplied() {
        #expect(GiteaError.validation(message: "").certainlyNotApplied)
        #expect(GiteaError.notFound(message: "").certainlyNotApplied)
        #expect(!GiteaError.unavailable(status: 500, message: "").certainlyNotApplied)
        #expect(!GiteaError.transport("reset").certainlyNotApplied)
        #expect(!GiteaError.unexpected(status: 302, message: "").certainlyNotApplied)
    }
}
