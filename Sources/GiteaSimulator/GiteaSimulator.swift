import Encoding
import Foundation
import Gate
import Hummingbird
import Logging
import NIOCore

/// A loopback HTTP server that speaks the part of Gitea 1.26's API the Gate uses, with Gitea's shapes and
/// status codes (PATCH → 201; merge 200/405/409; comment lists unpaged; labels as ids on create; `limit` capped at
/// 50; `q` over title and body with an optional indexing lag) and fault injection. For tests and `demo`.
public enum GiteaSimulator {
    /// Runs until the task is cancelled. `onPort` receives the bound port.
    public static func run(
        state: GiteaSimulatorState, port: Int = 0, logger: Logger,
        onPort: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let router = Router(context: SimulatorContext.self)
        routes(router, state)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                await state.bound(port: port)
                await onPort(port)
            }, logger: logger)
        // Webhooks go out as they are queued, one at a time, in order.
        let (bells, bell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await state.onWebhook { bell.yield() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in bells {
                    for hook in await state.takeOutgoingWebhooks() {
                        _ = try? await AsyncHTTPGiteaTransport().exchange(
                            GiteaHTTPRequest(method: "POST", url: hook.url, headers: hook.headers, body: hook.body, timeout: .seconds(5)))
                    }
                }
            }
            // No signal handlers: the embedding process owns SIGTERM and SIGINT; the server stops when its task is cancelled.
            try await app.runService(gracefulShutdownSignals: [])
            bell.finish()
            group.cancelAll()
        }
    }

    /// The request context: Hummingbird's basics plus the channel, so a fault can drop the connection.
    public struct SimulatorContext: RequestContext {
        public var coreContext: CoreRequestContextStorage
        let channel: any Channel
        public init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            channel = source.channel
        }
    }

    /// `date` as Gitea writes it (`2026-12-02T17:14:23Z`, whole seconds, UTC), by arithmetic: a formatter per
    /// call was an eighth of the simulator's CPU under `bench e2e`'s loads.
    static func timestamp(_ date: Date) -> String {
        RFC3339.utc(Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder().encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        struct Body: Encodable {
            let message: String
            let url: String
        }
        return (try? json(Body(message: message, url: "https://docs.gitea.com/api"), status: status)) ?? Response(status: status)
    }

    /// Authenticates, applies faults, and maps thrown ``SimulatorFailure``s to Gitea's error body.
    static func handle(
        _ state: GiteaSimulatorState, _ request: Request, _ context: SimulatorContext, write: Bool,
        _ body: @escaping @Sendable (String) async throws -> Response
    ) async -> Response {
        let header = request.headers[.authorization] ?? ""
        let parts = header.split(separator: " ")
        let token = parts.count == 2 && parts[0] == "token" ? String(parts[1]) : nil
        let sudo = request.headers[.init("Sudo")!]
        let fault = await state.nextFault(write: write)
        let caller: String
        do { caller = try await state.caller(token: token, sudo: sudo) } catch {
            return Self.error(HTTPResponse.Status(code: error.status), error.message)
        }
        switch fault {
        case .fail500, .fail500AtRequest, .fail500OnWrite: return error(.internalServerError, "simulated failure")
        case .stallAfterCommit(let seconds):
            let response = await run(body, caller)
            await state.holding(1)
            try? await Task.sleep(for: .seconds(seconds))
            await state.holding(-1)
            return response
        case .dropAfterCommit:
            _ = await run(body, caller)
            // The write is committed; the client sees the connection close with no response.
            try? await context.channel.close()
            return Response(status: .internalServerError)
        case .delay(let seconds):
            try? await Task.sleep(for: .seconds(seconds))
        case nil: break
        }
        return await run(body, caller)
    }

    private static func run(_ body: @Sendable (String) async throws -> Response, _ login: String) async -> Response {
        do { return try await body(login) } catch let failure as SimulatorFailure {
            return error(HTTPResponse.Status(code: failure.status), failure.message)
        } catch {
            return Self.error(.unprocessableContent, "\(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        do { return try JSONDecoder().decode(T.self, from: Data(buffer: buffer)) } catch {
            throw SimulatorFailure(status: 422, message: "[]: json: cannot unmarshal request body")
        }
    }

    static func repository(_ context: SimulatorContext) throws -> String {
        "\(try context.parameters.require("owner"))/\(try context.parameters.require("repo"))"
    }

    static func number(_ context: SimulatorContext) throws -> Int {
        guard let number = Int(try context.parameters.require("number")) else { throw SimulatorFailure(status: 404, message: "not found") }
        return number
    }

    /// The repository and issue number a route names, once the issue exists (else `status`, Gitea's answer for
    /// that endpoint: mostly 404, 500 for comments). Checked before the body is read, as Gitea does.
    static func existingIssue(
        _ state: GiteaSimulatorState, _ context: SimulatorContext, pull: Bool = false,
        status: Int = 404
    ) async throws -> (name: String, number: Int) {
        let name = try repository(context)
        let index = try number(context)
        let item = await state.item(name, index)
        guard item != nil, !pull || item?.pull != nil else {
            throw SimulatorFailure(status: status, message: pull ? "pull request does not exist" : "issue does not exist")
        }
        return (name, index)
    }

    /// Every endpoint, one function per group.
    static func routes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
        accountRoutes(router, state)
        issueReadRoutes(router, state)
        issueWriteRoutes(router, state)
        commentRoutes(router, state)
        labelRoutes(router, state)
        pullRequestRoutes(router, state)
        actionRoutes(router, state)
        hookRoutes(router, state)
    }
}
