import AsyncHTTPClient
import Foundation
import NostrCore

/// The NIP-11 documents of relays the bot sends to on demand, fetched once an hour per relay (an unanswered or
/// unreadable document counts as "no stated limits" for that hour). At most ``capacity`` relays are remembered; the
/// entry fetched longest ago goes first.
public actor RelayInformationCache {
    public let capacity: Int
    public let freshFor: Duration
    private let timeout: TimeInterval
    private var entries: [String: (information: RelayInformation?, fetchedAt: ContinuousClock.Instant)] = [:]

    public init(capacity: Int = 256, freshFor: Duration = .seconds(3600), timeout: TimeInterval = 3) {
        (self.capacity, self.freshFor, self.timeout) = (capacity, freshFor, timeout)
    }

    /// The relay's stated limits, or `nil` when it states none (or could not be asked within the timeout).
    public func information(for relayURL: String) async -> RelayInformation? {
        if let entry = entries[relayURL], ContinuousClock.now - entry.fetchedAt < freshFor { return entry.information }
        let information = await fetch(relayURL)
        if entries.count >= capacity, entries[relayURL] == nil, let oldest = entries.min(by: { $0.value.fetchedAt < $1.value.fetchedAt }) {
            entries[oldest.key] = nil
        }
        entries[relayURL] = (information, .now)
        return information
    }

    /// The client for NIP-11 documents, one for the process: no redirects, a refused connection fails at once, no
    /// tracer (as the Gitea client's: the bot bootstraps none, and the default made a span per request).
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(3)),
            connectionPool: .init(idleTimeout: .seconds(5), concurrentHTTP1ConnectionsPerHostSoftLimit: 2))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// `GET` the relay's URL over HTTP(S) with `Accept: application/nostr+json`.
    /// The body is read only up to ``RelayInformation/maximumDocumentBytes``: a larger body, another status than
    /// 200, an error or the timeout gives `nil`, so a hostile relay cannot make the bot buffer a huge document.
    private func fetch(_ relayURL: String) async -> RelayInformation? {
        guard var components = URLComponents(string: relayURL) else { return nil }
        components.scheme = components.scheme == "wss" ? "https" : "http"
        guard let url = components.url else { return nil }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "Accept", value: "application/nostr+json")
        do {
            let response = try await Self.client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let body = try await response.body.collect(upTo: RelayInformation.maximumDocumentBytes)
            guard response.status.code == 200 else { return nil }
            return RelayInformation.parse(Data(body.readableBytesView))
        } catch {
            return nil
        }
    }
}
