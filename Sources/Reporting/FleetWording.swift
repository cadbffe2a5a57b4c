import Drift

/// Sentences about a whole fleet run, shared by the human formats.
enum FleetWording {
    /// "FAIL 3 clusters (2 pass, 1 fail) · 9 services · 4 findings; 3 fail the run".
    static func verdict(_ fleet: FleetReport, outcome: String) -> String {
        var clusters = ReportWording.plural(fleet.clusters.count, "cluster")
        let counts = [DriftSummary.Outcome.pass, .fail, .error].filter { fleet.count($0) > 0 }.map {
            "\(fleet.count($0)) \($0.rawValue)"
        }
        if !counts.isEmpty { clusters += " (" + counts.joined(separator: ", ") + ")" }
        let totals = Totals(fleet)
        return "\(outcome) \(clusters) · \(ReportWording.plural(totals.services, "service")) · "
            + "\(ReportWording.plural(totals.findings, "finding"))"
            + (totals.failing == 0
                ? "; none fails the run" : "; \(totals.failing) fail\(totals.failing == 1 ? "s" : "") the run")
    }

    /// "2 of 3 clusters need attention" / "all 3 clusters pass".
    static func headline(_ fleet: FleetReport) -> String {
        let notPassing = fleet.clusters.count - fleet.count(.pass)
        if notPassing == 0 {
            return fleet.clusters.count == 1 ? "1 cluster, passes" : "all \(fleet.clusters.count) clusters pass"
        }
        return "\(notPassing) of \(ReportWording.plural(fleet.clusters.count, "cluster")) "
            + (notPassing == 1 ? "needs" : "need") + " attention"
    }

    /// "0.4 s", "12 s", "2 min 5 s".
    static func seconds(_ value: Double) -> String {
        if value < 0.05 { return "under 0.1 s" }
        if value < 10 {
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10).\(tenths % 10) s"
        }
        let whole = Int(value.rounded())
        return whole < 60 ? "\(whole) s" : "\(whole / 60) min \(whole % 60) s"
    }

    /// Counts over every cluster that has a report.
    struct Totals {
        var services = 0
        var notInSync = 0
        var findings = 0
        var failing = 0

        init(_ fleet: FleetReport) {
            for report in fleet.clusters.compactMap(\.report) {
                let summary = report.summary
                services += summary.services
                notInSync += summary.services - summary.count(.inSync)
                findings += summary.findings
                failing += summary.failing
            }
        }
    }
}
