import Logging
import ServiceLifecycle

/// With several instances on one database: every third of a claim's lease, takes over the messages whose instance
/// stopped answering (their lease ran out) and hands them to this instance's ``InboxConsumer`` to answer from the
/// stored event (the Gate finds its ledger claim and reconciles it). Replies stored but not published elsewhere
/// are the ``ReplyPublisher``'s (``InboxStorage/pendingReplies(now:limit:excluding:)``).
public struct SharedInboxSweeper: Service {
    let storage: any InboxStorage
    let lease: Int64
    let consumer: InboxConsumer
    let logger: Logger
    let now: @Sendable () -> Int64

    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(max(1, lease / 3)))
                if Task.isCancelled { break }
                await sweep()
            }
        }
    }

    func sweep() async {
        let time = now()
        do {
            for event in try await storage.takeOverAbandoned(now: time) {
                logger.notice("answering a message another instance stopped answering", metadata: ["carrier": "\(event.id)"])
                await consumer.resume(event, at: time)
            }
        } catch {
            logger.warning("shared inbox sweep failed", metadata: ["error": "\(error)"])
        }
    }
}
