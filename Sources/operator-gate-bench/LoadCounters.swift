import CLISupport

/// What the bot and the operator client have counted, read when a load phase starts and again when its answers are
/// missing, so that the message says where this phase's commands and answers stopped: before the bot (a relay
/// dropped DMs on their way to it), at the bot, between the bot's publish and the client, or inside the client.
///
/// The bot's counters run over its whole life, so a phase's figures are differences: the second phase of a run
/// that lost answers once read "the bot published 11,168 replies in all" for a phase of 6,000 commands, which
/// looked like answers published twice and was the first phase's 6,082 plus this phase's 5,086.
struct LoadCounters: Sendable {
    /// DMs the bot took from its relays (`operator_gate_events_total`), commands it ran, replies it published.
    var botEvents: Int?
    var botCommands: Int?
    var botPublished: Int?
    /// Events the client's relay connection received, of them exact copies it dropped, and its catch-ups.
    var clientReceived = 0
    var clientDuplicates = 0
    var clientCatchUps = 0
    /// Answers the client's mailbox filed.
    var filed = 0

    /// Reads the counters now; the bot's from its `/metrics` on `metricsPort` (operator-gate only).
    static func read(_ client: OperatorClient, metricsPort: Int?) async -> LoadCounters {
        var counters = LoadCounters()
        if let port = metricsPort,
            let sums = try? await StageBreakdown.scrapeSums(
                port: port,
                series: ["operator_gate_events_total{", "operator_gate_commands_total{", #"operator_gate_replies_total{result="published""#])
        {
            (counters.botEvents, counters.botCommands, counters.botPublished) = (sums[0], sums[1], sums[2])
        }
        let relay = await client.pool.status().first
        counters.clientReceived = relay?.eventsReceived ?? 0
        counters.clientDuplicates = relay?.duplicatesDropped ?? 0
        counters.clientCatchUps = relay?.catchUps ?? 0
        counters.filed = client.mailbox.filed
        return counters
    }

    /// This phase's part of the story: the counts since `start`, for `commands` DMs sent.
    func report(since start: LoadCounters, commands: Int, client: OperatorClient) async -> String {
        func delta(_ now: Int?, _ then: Int?) -> String { now.flatMap { now in then.map { String(now - $0) } } ?? "?" }
        let notFiled = client.mailbox.notFiled
        return "in this phase the bot took \(delta(botEvents, start.botEvents)) events from its relays for the \(commands) DMs, "
            + "ran \(delta(botCommands, start.botCommands)) commands and published \(delta(botPublished, start.botPublished)) "
            + "replies; the client's relay connection received \(clientReceived - start.clientReceived) events "
            + "(\(clientDuplicates - start.clientDuplicates) exact copies dropped, \(clientCatchUps - start.clientCatchUps) "
            + "catch-ups), its mailbox filed \(filed - start.filed) answers (in all: \(notFiled.undecodable) undecodable, "
            + "\(notFiled.otherSenders) from others) and its buffer holds \(client.pool.events.count)"
    }
}
