import CLISupport
import Crypto
import Dispatch
import Encoding
import Foundation
import Gate

extension EndToEndRun {
    /// The operator watches ops/tc by DM; then `samples` signed `issue_comment` deliveries, one at a time, each timed
    /// from posting it to the bot's receiver until its notice DM arrives over the relay.
    func webhookPhase(_ client: OperatorClient, port: Int) async throws -> LatencySummary {
        _ = try await client.roundTrip("watch ops/tc comments", .nip17)
        let url = URL(string: "http://127.0.0.1:\(port)/hooks/gitea")!
        let key = SymmetricKey(data: Array(EndToEndSubject.webhookSecret.utf8))
        var latencies: [Double] = []
        for index in 0..<samples {
            let payload: [String: Any] = [
                "action": "created", "is_pull": false, "sender": ["login": "bob"], "repository": ["full_name": "ops/tc"],
                "issue": ["number": 1, "title": "Bench"], "comment": ["body": "hook \(index)", "html_url": "http://forge/ops/tc/issues/1"]
            ]
            let body = try JSONSerialization.data(withJSONObject: payload)
            let signature = Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: body, using: key)))
            let request = GiteaHTTPRequest(
                method: "POST", url: url,
                headers: [
                    ("Content-Type", "application/json"), ("X-Gitea-Event", "issue_comment"), ("X-Gitea-Delivery", UUID().uuidString),
                    ("X-Gitea-Signature", signature)
                ], body: body, timeout: .seconds(10))
            let sent = DispatchTime.now().uptimeNanoseconds
            let response = try await AsyncHTTPGiteaTransport().exchange(request)
            guard response.status == 200 else { throw CLIError("the webhook receiver answered \(response.status)") }
            guard let notice = await client.mailbox.next(timeout: .seconds(10)), notice.text.contains("hook \(index)") else {
                throw CLIError("no notice for webhook \(index) within 10 s")
            }
            latencies.append(Double(notice.arrivedNanos - sent) / 1e6)
        }
        return LatencySummary(latencies)
    }
}
