import Foundation
import NostrCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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

    /// `GET` the relay's URL over HTTP(S) with `Accept: application/nostr+json`.
    private func fetch(_ relayURL: String) async -> RelayInformation? {
        guard var components = URLComponents(string: relayURL) else { return nil }
        components.scheme = components.scheme == "wss" ? "https" : "http"
        guard let url = components.url else { return nil }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.setValue("application/nostr+json", forHTTPHeaderField: "Accept")
        return await BoundedDownload.fetch(request, limit: RelayInformation.maximumDocumentBytes, timeout: timeout).flatMap(RelayInformation.parse)
    }
}

/// One HTTP GET whose body is read only up to `limit` bytes: a larger body, another status than 200 or an error
/// gives `nil` (a hostile relay cannot make the bot buffer a huge document).
private final class BoundedDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let limit: Int
    private let lock = NSLock()
    private var body = Data()
    private var status = 0
    private var continuation: CheckedContinuation<Data?, Never>?

    private init(limit: Int) { self.limit = limit }

    static func fetch(_ request: URLRequest, limit: Int, timeout: TimeInterval) async -> Data? {
        let download = BoundedDownload(limit: limit)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration, delegate: download, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return await withCheckedContinuation { continuation in
            download.lock.withLock { download.continuation = continuation }
            session.dataTask(with: request).resume()
        }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        lock.withLock { self.status = status }
        completionHandler(status == 200 ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooLarge = lock.withLock {
            body.append(data.prefix(limit + 1 - min(body.count, limit + 1)))
            return body.count > limit
        }
        if tooLarge { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result): (CheckedContinuation<Data?, Never>?, Data?) = lock.withLock {
            defer { self.continuation = nil }
            return (self.continuation, error == nil && status == 200 && body.count <= limit ? body : nil)
        }
        continuation?.resume(returning: result)
    }
}
