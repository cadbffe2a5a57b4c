import Drift
import Foundation
import Reporting
import TestSupport
import Testing

/// `-o html`: one file that loads nothing, links into the repository, and renders in Chromium.
@Suite struct HTMLReportTests {
    static let link = RepositoryLink(template: "https://git.example.com/org/repo/blob/{commit}/{path}#L{line}")

    func page(_ fleet: FleetReport = FleetScenario.fleet(), link: RepositoryLink? = Self.link) -> String {
        HTMLReporter(toolVersion: FleetScenario.toolVersion, link: link).render(fleet)
    }

    @Test func isSelfContained() {
        let html = page()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(
            html.contains(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            ))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        for asset in ["<script", "<link", "<img", "<iframe", "@import", "url(", "src="] {
            #expect(!html.contains(asset), "the report must not load \(asset)")
        }
        // Links are for people to follow, never loaded: only the repository links.
        let links = html.components(separatedBy: "href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(links.allSatisfy { $0.hasPrefix("#") || $0.hasPrefix("https://git.example.com/org/repo/blob/") })
    }

    @Test func summarisesClustersAndServicesAndLinksFindings() {
        let html = page()
        #expect(html.contains("<title>endpoint-drift check: ERROR — 2 of 3 clusters need attention</title>"))
        #expect(html.contains("<a class=\"card fail\" href=\"#cluster-prod\">"))
        #expect(html.contains("<a class=\"card error\" href=\"#cluster-lab\">"))
        #expect(html.contains("Could not check: \(FleetScenario.labError)"))
        #expect(html.contains("<span class=\"status s-drifted\">drifted</span>"))
        #expect(html.contains("<span class=\"status s-error\">error</span>"))
        let commit = DriftFixtures.commit
        #expect(
            html.contains(
                "<a href=\"https://git.example.com/org/repo/blob/\(commit)/clusters/prod/orders-db.yaml#L16\"><code class=\"path\">clusters/<wbr>prod/<wbr>orders-db.yaml:16</code></a>"
            ))
        #expect(html.contains("started <time>2026-11-21T03:00:00Z</time>"))
        #expect(html.contains("commit <code title=\"\(commit)\">\(commit.prefix(7))</code>"))
        // The ignored finding is shown, marked, with its reason.
        #expect(html.contains("<span class=\"sev ignored\">ignored</span>"))
        #expect(html.contains("Ignored by ignore.findings[0]"))
    }

    @Test func withoutATemplateLocationsAreText() {
        let html = page(link: nil)
        #expect(html.contains("<code class=\"path\">clusters/<wbr>prod/<wbr>orders-db.yaml:16</code>"))
        #expect(!html.contains("href=\"https://"))
    }

    @Test func escapesWhatComesFromTheRepository() {
        var fleet = FleetScenario.fleet()
        fleet.clusters[1].error = "<script>alert(1)</script> & \"quotes\""
        let html = page(fleet)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"))
    }

    @Test func repositoryLinksEncodeThePath() throws {
        let link = try #require(RepositoryLink(template: "https://h/{commit}/{path}#L{line}"))
        #expect(
            link.url(path: "apps/my db/ü.yaml", line: 3, commit: "abc") == "https://h/abc/apps/my%20db/%C3%BC.yaml#L3")
        #expect(RepositoryLink(template: "https://h/{commit}") == nil)
    }

    @Test func aSingleCheckHasNoClusterCards() {
        let html = HTMLReporter(toolVersion: "t").render(FleetScenario.staging)
        #expect(!html.contains("class=\"cards\""))
        #expect(html.contains("<section class=\"cluster\" id=\"report\">"))
        #expect(html.contains("<div class=\"verdict pass\">PASS</div>"))
    }
}
