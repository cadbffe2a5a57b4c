import Foundation
import TestSupport
import Testing

/// GitLab's merge-request note job and nightly-issue job, run as the runner runs them (one bash,
/// `set -eo pipefail`, the script lines in order) after the check job they follow, against the
/// built binary, the demo fixture with drift, and a fake GitLab API on loopback that records every
/// request. `apk` is a no-op (curl and jq are the machine's).
@Suite struct GitLabAPIRecipeRunTests {
    let recipes = RecipeRunTests()
    static let token = "glpat-Sx9dTq2mZr7vLk4pWc81"
    static let project = "42"
    static let mergeRequest = "7"

    /// A folder with a fake `apk` that installs nothing.
    func tools() throws -> TempFolder {
        let folder = try TempFolder()
        _ = try folder.write("bin/apk", "#!/bin/sh\nexit 0\n", executable: true)
        return folder
    }

    func gitLabEnvironment(_ gitlab: LocalHTTPReceiver) -> [String: String] {
        [
            "CI_API_V4_URL": gitlab.url + "/api/v4", "CI_PROJECT_ID": Self.project,
            "CI_MERGE_REQUEST_IID": Self.mergeRequest, "ENDPOINT_DRIFT_GITLAB_TOKEN": Self.token,
            "CI_PIPELINE_URL": "https://gitlab.example.com/platform/gitops/-/pipelines/1234",
        ]
    }

    func expectNoToken(_ result: ProcessRunner.Result, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(!result.stdout.contains(Self.token), sourceLocation: sourceLocation)
        #expect(!result.stderr.contains(Self.token), sourceLocation: sourceLocation)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func mergeRequestNoteIsPostedThenUpdatedAndTheJobFailsOnDriftAndExitTwo() async throws {
        let (harness, api, base) = try await recipes.fixture()
        defer { Task { await api.stop() } }
        let gitlab = try await LocalHTTPReceiver.start()
        defer { Task { await gitlab.stop() } }
        let tools = try tools()
        let folder = harness.repository.path
        let notes = "/api/v4/projects/\(Self.project)/merge_requests/\(Self.mergeRequest)/notes"
        let kubeconfig = try harness.kubeconfig([("prod", api.serverURL)])
        var environment = recipes.environment(harness, kubeconfig: kubeconfig, base: base)
        for (name, value) in gitLabEnvironment(gitlab) { environment[name] = value }

        // The check job: drift, exit code kept for the note job.
        let check = try recipes.runAsGitLab(
            try recipes.script("drift:merge-request"), in: folder, environment: environment)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let markdown = try harness.repository.read("endpoint-drift.md")
        #expect(markdown.hasPrefix("<!-- endpoint-drift -->"))

        // No note yet: POST, and the job fails with the check's 1 after posting.
        gitlab.answer("GET", pathPrefix: notes, status: 200, json: "[]")
        gitlab.answer("POST", pathPrefix: notes, status: 201, json: #"{"id": 501}"#)
        let first = try recipes.runAsGitLab(
            try recipes.script("drift:merge-request-note"), in: folder, environment: environment,
            extraPath: tools.file("bin"))
        #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
        expectNoToken(first)
        let requests = gitlab.requests
        #expect(requests.map { "\($0.method) \($0.path)" } == ["GET \(notes)?per_page=100&sort=asc", "POST \(notes)"])
        #expect(requests.allSatisfy { $0.header("PRIVATE-TOKEN") == Self.token })
        let posted = try #require(requests.last)
        #expect(posted.header("Content-Type") == "application/json")
        #expect(try Self.json(posted.body)["body"] as? String == markdown)

        // A note from an earlier pipeline (and another bot's note before it): updated in place.
        let gitlab2 = try await LocalHTTPReceiver.start()
        defer { Task { await gitlab2.stop() } }
        for (name, value) in gitLabEnvironment(gitlab2) { environment[name] = value }
        gitlab2.answer(
            "GET", pathPrefix: notes, status: 200,
            json: #"[{"id": 300, "body": "LGTM"}, {"id": 301, "body": "<!-- endpoint-drift -->\nold report"}]"#)
        gitlab2.answer("PUT", pathPrefix: "\(notes)/301", status: 200, json: #"{"id": 301}"#)
        let second = try recipes.runAsGitLab(
            try recipes.script("drift:merge-request-note"), in: folder, environment: environment,
            extraPath: tools.file("bin"))
        #expect(second.status == 1, "\(second.stdout)\(second.stderr)")
        expectNoToken(second)
        #expect(
            gitlab2.requests.map { "\($0.method) \($0.path)" } == [
                "GET \(notes)?per_page=100&sort=asc", "PUT \(notes)/301",
            ])
        #expect(try Self.json(try #require(gitlab2.requests.last).body)["body"] as? String == markdown)

        // A token GitLab refuses: curl -f fails the job instead of passing it silently.
        let refusing = try await LocalHTTPReceiver.start()
        defer { Task { await refusing.stop() } }
        refusing.answer(with: 401)
        for (name, value) in gitLabEnvironment(refusing) { environment[name] = value }
        let refused = try recipes.runAsGitLab(
            try recipes.script("drift:merge-request-note"), in: folder, environment: environment,
            extraPath: tools.file("bin"))
        #expect(refused.status != 0)
        #expect(refusing.requests.count == 1)
        expectNoToken(refused)

        // A cluster that cannot be reached: the check job fails (2), so GitLab never starts the note
        // job; were it run on its own it would fail with 2 as well.
        let unreachable = try harness.kubeconfig([("prod", try RefusingPort.url())])
        environment["KUBECONFIG"] = unreachable
        let broken = try recipes.runAsGitLab(
            try recipes.script("drift:merge-request"), in: folder, environment: environment)
        #expect(broken.status == 1, "\(broken.stdout)\(broken.stderr)")
        #expect(try harness.repository.read("endpoint-drift.exit-code") == "2\n")
        for (name, value) in gitLabEnvironment(gitlab) { environment[name] = value }
        let note = try recipes.runAsGitLab(
            try recipes.script("drift:merge-request-note"), in: folder, environment: environment,
            extraPath: tools.file("bin"))
        #expect(note.status == 2, "\(note.stdout)\(note.stderr)")
        expectNoToken(note)
    }

    @Test func nightlyIssueIsOpenedOnNewDriftOnly() async throws {
        let (harness, api, base) = try await recipes.fixture()
        defer { Task { await api.stop() } }
        let gitlab = try await LocalHTTPReceiver.start()
        defer { Task { await gitlab.stop() } }
        let tools = try tools()
        let folder = harness.repository.path
        let issues = "/api/v4/projects/\(Self.project)/issues"
        gitlab.answer("POST", pathPrefix: issues, status: 201, json: #"{"iid": 12}"#)
        let kubeconfig = try harness.kubeconfig([("prod", api.serverURL)])
        var environment = recipes.environment(harness, kubeconfig: kubeconfig, base: base)
        for (name, value) in gitLabEnvironment(gitlab) { environment[name] = value }

        let nightly = try recipes.runAsGitLab(try recipes.script("drift:nightly"), in: folder, environment: environment)
        #expect(nightly.status == 1, "\(nightly.stdout)\(nightly.stderr)")
        let report = try harness.repository.read("report/endpoint-drift.md")
        let issue = try recipes.runAsGitLab(
            try recipes.script("drift:nightly-issue"), in: folder, environment: environment,
            extraPath: tools.file("bin"))
        #expect(issue.status == 0, "\(issue.stdout)\(issue.stderr)")
        expectNoToken(issue)
        #expect(gitlab.requests.map { "\($0.method) \($0.path)" } == ["POST \(issues)"])
        let request = try #require(gitlab.requests.first)
        #expect(request.header("PRIVATE-TOKEN") == Self.token)
        #expect(request.header("Content-Type") == "application/json")
        let body = try Self.json(request.body)
        let state = try Self.json(try harness.repository.read("report/state.json"))
        let new = try #require((state["lastRun"] as? [String: Any])?["new"] as? [[String: Any]])
        #expect(!new.isEmpty)
        #expect(body["title"] as? String == "endpoint-drift: \(new.count) new finding(s)")
        let description = try #require(body["description"] as? String)
        #expect(description.hasPrefix("New since the last run:\n\n- `prod` "))
        for item in new { #expect(description.contains(try #require(item["text"] as? String))) }
        #expect(description.contains("Pipeline: https://gitlab.example.com/platform/gitops/-/pipelines/1234"))
        // The Markdown report follows the list.
        #expect(description.hasSuffix(report.trimmingCharacters(in: .newlines)))

        // The same drift the next night: the state says nothing is new, no second issue.
        let again = try recipes.runAsGitLab(try recipes.script("drift:nightly"), in: folder, environment: environment)
        #expect(again.status == 1)
        let quiet = try recipes.runAsGitLab(
            try recipes.script("drift:nightly-issue"), in: folder, environment: environment,
            extraPath: tools.file("bin"))
        #expect(quiet.status == 0, "\(quiet.stdout)\(quiet.stderr)")
        #expect(gitlab.requests.count == 1)

        // The cluster cannot be reached: the nightly job fails with 2; nothing new, no issue.
        environment["KUBECONFIG"] = try harness.kubeconfig([("prod", try RefusingPort.url())])
        let broken = try recipes.runAsGitLab(try recipes.script("drift:nightly"), in: folder, environment: environment)
        #expect(broken.status == 2, "\(broken.stdout)\(broken.stderr)")
        let afterBroken = try recipes.runAsGitLab(
            try recipes.script("drift:nightly-issue"), in: folder, environment: environment,
            extraPath: tools.file("bin"))
        #expect(afterBroken.status == 0)
        #expect(gitlab.requests.count == 1)
        expectNoToken(afterBroken)
    }
}
