import Drift
import Foundation
import Reporting
import Testing

/// The notification body: Slack's `text` plus fields for programs.
@Suite struct WebhookMessageTests {
    let message = WebhookMessage(toolVersion: "t")

    func item(_ number: Int, text: String = "missing-backend: 10.0.0.1:5432/TCP") -> FleetChanges.Item {
        FleetChanges.Item(
            cluster: "prod", id: String(number), type: "missing-backend", service: "shop/db-\(number)", text: text,
            location: "db.yaml:\(number)")
    }

    @Test func textIsSlackMrkdwnWithItsThreeCharactersEscaped() throws {
        let changes = FleetChanges(new: [item(1, text: "a <b> & c")])
        let text = message.text(changes, fleet: FleetScenario.fleet())
        #expect(text.contains("a &lt;b&gt; &amp; c"))
        #expect(!text.contains("<b>"))
        let body = try #require(
            try JSONSerialization.jsonObject(with: Data(message.body(changes, fleet: FleetScenario.fleet()).utf8))
                as? [String: Any])
        #expect(body["text"] as? String == text)
        #expect(body["outcome"] as? String == "error")
        #expect((body["clusters"] as? [[String: Any]])?.map { $0["name"] as? String } == ["prod", "staging", "lab"])
    }

    @Test func longListsAreCutInTheTextNotInTheFields() throws {
        let changes = FleetChanges(new: (1...40).map { item($0) }, resolved: [item(99)])
        let text = message.text(changes, fleet: FleetScenario.fleet())
        #expect(text.hasPrefix("*endpoint-drift*: 40 new findings, 1 resolved\n*New findings*\n"))
        #expect(text.components(separatedBy: "\n🔴 ").count == WebhookMessage.listedItems + 1)
        #expect(text.contains("… and 25 more"))
        #expect(text.contains("*Resolved*\n✅ `prod` shop/db-99"))
        #expect(
            text.hasSuffix(
                "*Now*: `prod` FAIL (2 findings) · `staging` PASS (0 findings) · `lab` ERROR (could not check)"))
        let body = try #require(
            try JSONSerialization.jsonObject(with: Data(message.body(changes, fleet: FleetScenario.fleet()).utf8))
                as? [String: Any])
        #expect((body["new"] as? [Any])?.count == 40)
    }

    @Test func clustersThatStopOrStartBeingCheckable() {
        let changes = FleetChanges(
            failing: [FleetChanges.Failure(cluster: "lab", error: "connection refused")], recovered: ["edge"])
        let text = message.text(changes, fleet: FleetScenario.fleet())
        #expect(text.hasPrefix("*endpoint-drift*: 1 cluster could not be checked, 1 cluster back\n"))
        #expect(text.contains("*Could not check*\n• `lab`: connection refused"))
        #expect(text.contains("*Checked again*: `edge`"))
    }
}
