import Foundation
import Gate

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Foundation's URLSession (libcurl on Linux) as a ``GiteaTransport``: what the bot used before async-http-client,
/// kept here so `operator-gate-bench gitea` measures the two side by side.
struct URLSessionGiteaTransport: GiteaTransport {
    private let session: URLSession

    /// `cached: false` is how the bot configured it last (no URLCache, no cookies); `true` is Foundation's default
    /// ephemeral session, which it used before that.
    init(cached: Bool) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 15
        configuration.timeoutIntervalForResource = 30
        if !cached {
            configuration.urlCache = nil
            configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
            configuration.httpCookieStorage = nil
            configuration.httpShouldSetCookies = false
        }
        session = URLSession(configuration: configuration)
    }

    func exchange(_ request: GiteaHTTPRequest) async throws -> GiteaHTTPResponse {
        var outgoing = URLRequest(url: request.url)
        outgoing.httpMethod = request.method
        for header in request.headers { outgoing.setValue(header.value, forHTTPHeaderField: header.name) }
        outgoing.httpBody = request.body
        let (data, response) = try await session.data(for: outgoing)
        return GiteaHTTPResponse(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }
}
