/// Runs `body` while `background` tasks run (a relay pool, a database client, loopback servers, a deadline), then
/// cancels them: the one shape of "run a client while doing X" the commands share. The first to end decides:
/// `body`'s value, or an error thrown by `body` or by a background task (a deadline that throws, a server that
/// cannot bind). A background task that returns normally leaves `body` running.
public func whileRunning<T: Sendable>(_ background: [@Sendable () async throws -> Void], _ body: @escaping @Sendable () async throws -> T)
    async throws -> T
{
    try await withThrowingTaskGroup(of: T?.self) { group in
        for task in background {
            group.addTask {
                try await task()
                return nil
            }
        }
        group.addTask { try await body() }
        defer { group.cancelAll() }
        while let next = try await group.next() {
            if let value = next { return value }
        }
        throw CancellationError()
    }
}
