import Drift
import Manifests

/// `--metrics-file` and `--pushgateway`: the run in the Prometheus text exposition format
/// (version 0.0.4), which node-exporter's textfile collector and the Pushgateway both read.
///
/// Every metric is a gauge. Labels are bounded by the size of the fleet: `cluster`, `namespace`,
/// `endpoint` and `service` (both the Service's name: `endpoint` is kube-state-metrics' label on
/// `kube_endpoint_*`, so PromQL can join on `namespace, endpoint`), `type` (a finding type) and
/// `status` (a Service status) — never an address or a port, which would make a new series for
/// every backend that comes and goes, unless `backendLabels` asks for one series per backend.
public struct PrometheusMetrics: Sendable {
    /// Seconds since 1970 when the run ended.
    public var timestamp: Double
    /// The last run that checked each cluster, from the previous metrics file, for clusters that
    /// could not be checked this time (so that "no success for a day" alerts keep working).
    public var previousSuccess: [String: Double]
    /// `serve --metrics-backend-labels`: also `endpoint_drift_backend` with address, port and protocol
    /// labels (a series per backend: only for small clusters, or with a short retention).
    public var backendLabels: Bool

    public init(timestamp: Double, previousSuccess: [String: Double] = [:], backendLabels: Bool = false) {
        self.timestamp = timestamp
        self.previousSuccess = previousSuccess
        self.backendLabels = backendLabels
    }

    /// Every cluster of the run (for a metrics file).
    public func exposition(_ fleet: FleetReport) -> String {
        render(families(fleet, clusters: fleet.clusters))
    }

    /// One cluster's metrics (for its Pushgateway group). Without a success this run, the last
    /// success metric is left out, so that a POST keeps the value the gateway has.
    public func exposition(_ fleet: FleetReport, cluster name: String) -> String {
        render(families(fleet, clusters: fleet.clusters.filter { $0.name == name }))
    }

    /// The `last success` values of a metrics file written earlier, by cluster.
    public static func lastSuccess(in exposition: String) -> [String: Double] {
        var values: [String: Double] = [:]
        let prefix = "endpoint_drift_last_success_timestamp_seconds{cluster=\""
        for line in exposition.split(separator: "\n") where line.hasPrefix(prefix) {
            let rest = line.dropFirst(prefix.count)
            guard let quote = rest.firstIndex(of: "\""), rest[quote...].hasPrefix("\"} "),
                let value = Double(rest[rest.index(quote, offsetBy: 3)...].split(separator: " ").first ?? "")
            else { continue }
            values[unescape(String(rest[..<quote]))] = value
        }
        return values
    }

    // MARK: Families

    struct Family {
        var name: String
        var help: String
        var samples: [(labels: [(String, String)], value: Double)] = []

        mutating func add(_ labels: [(String, String)], _ value: Double) { samples.append((labels, value)) }
        mutating func add(_ labels: [(String, String)], _ value: Int) { samples.append((labels, Double(value))) }
    }

    private func families(_ fleet: FleetReport, clusters: [ClusterReport]) -> [Family] {
        var up = Family(
            name: "endpoint_drift_up", help: "1 when the cluster was read and compared, 0 when it could not be checked."
        )
        var checked = Family(
            name: "endpoint_drift_services_checked", help: "External services compared (all but those in status error)."
        )
        var byStatus = Family(name: "endpoint_drift_services", help: "External services by status.")
        var drifted = Family(
            name: "endpoint_drift_drifted_services",
            help: "Services whose backends in git and in the cluster differ (status drifted or missing-live).")
        var findings = Family(name: "endpoint_drift_findings", help: "Findings that are not ignored, by type.")
        var ignored = Family(
            name: "endpoint_drift_ignored_findings", help: "Findings ignored by configuration or annotation.")
        var serviceFindings = Family(
            name: "endpoint_drift_service_findings", help: "Findings that are not ignored, by Service and type.")
        var serviceStatus = Family(name: "endpoint_drift_service_status", help: "1 for the status each Service has.")
        var desired = Family(name: "endpoint_drift_desired_backends", help: "Backends git defines, per Service.")
        var live = Family(name: "endpoint_drift_live_backends", help: "Backends the cluster serves, per Service.")
        var errors = Family(
            name: "endpoint_drift_check_errors",
            help:
                "Things that could not be checked: an unreachable cluster, a namespace that could not be read, an unreadable file."
        )
        var duration = Family(name: "endpoint_drift_check_duration_seconds", help: "How long the cluster's check took.")
        var lastRun = Family(
            name: "endpoint_drift_last_run_timestamp_seconds", help: "When the cluster was last checked or tried.")
        var lastSuccess = Family(
            name: "endpoint_drift_last_success_timestamp_seconds",
            help: "When the cluster was last read and compared without errors.")
        var run = Family(
            name: "endpoint_drift_run_duration_seconds", help: "How long the whole run took, all clusters.")
        var backends = Family(
            name: "endpoint_drift_backend",
            help: "1 for each backend of a Service, by where it is: git, cluster or both (--metrics-backend-labels).")

        for cluster in clusters {
            let name = [("cluster", cluster.name)]
            up.add(name, cluster.completed ? 1 : 0)
            errors.add(name, (cluster.report?.errors.count ?? 0) + (cluster.error == nil ? 0 : 1))
            duration.add(name, cluster.duration)
            lastRun.add(name, timestamp)
            if cluster.completed {
                lastSuccess.add(name, timestamp)
            } else if let previous = previousSuccess[cluster.name] {
                lastSuccess.add(name, previous)
            }
            guard let report = cluster.report else { continue }
            let summary = report.summary
            checked.add(name, summary.services - summary.count(ServiceStatus.error))
            drifted.add(name, summary.count(.drifted) + summary.count(.missingLive))
            for status in ServiceStatus.allCases {
                byStatus.add(name + [("status", status.rawValue)], summary.count(status))
            }
            for type in FindingType.allCases {
                findings.add(name + [("type", type.rawValue)], summary.byType[type] ?? 0)
            }
            ignored.add(name, summary.ignored)
            let byService = report.findingsByService
            for service in report.services {
                let labels =
                    name + [
                        ("namespace", service.key.namespace), ("endpoint", service.key.name),
                        ("service", service.key.name),
                    ]
                if let status = service.status { serviceStatus.add(labels + [("status", status.rawValue)], 1) }
                desired.add(labels, service.desired.count)
                // Not read is not zero: a zero would look like every backend gone.
                if service.status != .error { live.add(labels, service.live.count) }
                let active = (byService[service.key] ?? []).filter { !$0.isIgnored }
                for (type, list) in Dictionary(grouping: active, by: \.type).sorted(by: { $0.key < $1.key }) {
                    serviceFindings.add(labels + [("type", type.rawValue)], list.count)
                }
                if backendLabels { addBackends(service, labels, to: &backends) }
            }
        }
        run.add([], fleet.duration)
        return [
            up, checked, byStatus, drifted, findings, ignored, serviceStatus, serviceFindings, desired, live, backends,
            errors, duration, lastRun, lastSuccess, run,
        ]
    }

    /// One sample per backend on either side; `present` says which.
    private func addBackends(_ service: ServiceResult, _ labels: [(String, String)], to family: inout Family) {
        let compared = service.status != .error
        let keys = Set(service.desired.keys).union(compared ? Set(service.live.keys) : [])
        for key in keys.sorted() {
            let inGit = service.desired[key] != nil
            let inCluster = compared && service.live[key] != nil
            family.add(
                labels + [
                    ("address", key.address), ("port", key.port.map(String.init) ?? ""), ("protocol", key.protocol),
                    ("port_name", key.portName), ("present", inGit && inCluster ? "both" : inGit ? "git" : "cluster"),
                ], 1)
        }
    }

    // MARK: Text format

    private func render(_ families: [Family]) -> String {
        var out = ""
        for family in families where !family.samples.isEmpty {
            out += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n# TYPE \(family.name) gauge\n"
            for sample in family.samples {
                out += family.name
                if !sample.labels.isEmpty {
                    out +=
                        "{" + sample.labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
                }
                out += " \(Self.number(sample.value))\n"
            }
        }
        return out
    }

    /// Integers without a decimal point; others as Swift prints them (which Prometheus parses).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        let milli = (value * 1000).rounded() / 1000
        return String(milli)
    }

    /// A label value: backslash, double quote and line feed escaped.
    static func escapeLabel(_ text: String) -> String { escape(text, quote: true) }

    /// HELP text: backslash and line feed escaped (a double quote stays).
    static func escapeHelp(_ text: String) -> String { escape(text, quote: false) }

    private static func escape(_ text: String, quote: Bool) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\"" where quote: out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func unescape(_ text: String) -> String {
        var out = ""
        var escaped = false
        for character in text {
            if escaped {
                out.append(character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}
