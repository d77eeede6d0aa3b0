import Foundation

/// How ``GiteaClient`` reaches Gitea: one HTTP exchange, request in, status and body out. The bot's is
/// ``AsyncHTTPGiteaTransport``; `operator-gate-bench gitea` measures another beside it.
public protocol GiteaTransport: Sendable {
    /// Sends `request` and returns the response's status and body; throws when no response came (refused, reset,
    /// timed out), when the write may or may not have happened.
    func exchange(_ request: GiteaHTTPRequest) async throws -> GiteaHTTPResponse
}

/// Gitea's answer: status, body, and the one header the Gate reads (`X-Total-Count` of lists).
public struct GiteaHTTPResponse: Sendable {
    public var status: Int
    public var body: Data
    /// `X-Total-Count`: how many items a list has in all pages.
    public var totalCount: Int?
    public init(status: Int, body: Data, totalCount: Int? = nil) { (self.status, self.body, self.totalCount) = (status, body, totalCount) }
}

/// One request to Gitea's API, as ``GiteaClient`` builds it.
public struct GiteaHTTPRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// The whole exchange, connection included, must end within this.
    public var timeout: Duration

    public init(method: String, url: URL, headers: [(name: String, value: String)], body: Data?, timeout: Duration) {
        (self.method, self.url, self.headers, self.body, self.timeout) = (method, url, headers, body, timeout)
    }
}
