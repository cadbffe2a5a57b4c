import Drift
import Manifests

/// Findings of one Service as people read them: backend findings on the same address are one line
/// with the address's ports, and an address git has where the cluster serves another on the same
/// ports is one "replaced" line, each with one hint. Machines (JSON, SARIF, JUnit) keep one finding
/// per backend; text, Markdown, HTML and GitHub show these groups.
struct FindingGroup {
    enum Kind: Equatable {
        /// One finding, as it is.
        case single
        /// One type on one address, several ports.
        case address
        /// Missing on one address and stale on another, on the same ports.
        case replaced
    }

    var kind: Kind
    /// The findings of the group, in report order.
    var findings: [Finding]
    /// The finding type, or `replaced`.
    var label: String
    /// "192.0.2.13 on 8080/TCP (http), 8081/TCP is in git but not served by the cluster".
    var message: String
    var hint: String

    /// "missing-backend: 192.0.2.13 on 8080/TCP (http), 8081/TCP is in git but not served by the cluster".
    var line: String { "\(label): \(message)" }

    var first: Finding { findings[0] }
    var severity: Severity { first.severity }
    var source: SourceLocation? { first.source }
    var ignoredBy: String? { first.ignoredBy }
    var change: FindingChange? { first.change }

    /// Groups a Service's findings (in report order); a group stands where its first finding stood.
    static func group(_ findings: [Finding]) -> [FindingGroup] {
        let groupable: Set<FindingType> = [.missingBackend, .staleBackend, .readinessDrift]
        var byAddress: [String: [Int]] = [:]
        var order: [String] = []
        var singles: [Int: FindingGroup] = [:]
        for (index, finding) in findings.enumerated() {
            guard groupable.contains(finding.type), !finding.isIgnored, let address = finding.address,
                finding.backendKey != nil
            else {
                singles[index] = single(finding)
                continue
            }
            let key = [
                finding.service?.description ?? "-", finding.type.rawValue, address, finding.change?.rawValue ?? "-",
            ].joined(separator: "|")
            if byAddress[key] == nil { order.append(key) }
            byAddress[key, default: []].append(index)
        }

        // An address missing on some ports and another stale on exactly the same ports: replaced, when
        // the pairing is unambiguous (one of each on those ports in the Service).
        var candidates: [String: (missing: [String], stale: [String])] = [:]
        for key in order {
            let members = byAddress[key] ?? []
            let head = findings[members[0]]
            guard head.type == .missingBackend || head.type == .staleBackend else { continue }
            let ports = portSet(members, findings).sorted().joined(separator: ",")
            let slot = [head.service?.description ?? "-", head.change?.rawValue ?? "-", ports].joined(separator: "|")
            if head.type == .missingBackend {
                candidates[slot, default: ([], [])].missing.append(key)
            } else {
                candidates[slot, default: ([], [])].stale.append(key)
            }
        }
        var replaced: [String: String] = [:]
        var taken = Set<String>()
        for candidate in candidates.values where candidate.missing.count == 1 && candidate.stale.count == 1 {
            replaced[candidate.missing[0]] = candidate.stale[0]
            taken.insert(candidate.stale[0])
        }

        var placed: [(position: Int, group: FindingGroup)] = singles.map { ($0.key, $0.value) }
        for key in order where !taken.contains(key) {
            let members = byAddress[key] ?? []
            let group: FindingGroup
            if let staleKey = replaced[key] {
                let stale = byAddress[staleKey] ?? []
                group = replacedGroup(members.map { findings[$0] }, stale.map { findings[$0] })
                placed.append((min(members[0], stale.first ?? members[0]), group))
                continue
            }
            group = addressGroup(members.map { findings[$0] })
            placed.append((members[0], group))
        }
        return placed.sorted { $0.position < $1.position }.map(\.group)
    }

    private static func portSet(_ members: [Int], _ findings: [Finding]) -> Set<String> {
        Set(members.compactMap { findings[$0].backendKey.map(ReportWording.port) })
    }

    private static func ports(_ findings: [Finding]) -> String {
        findings.compactMap { $0.backendKey }.sorted { ($0.port ?? -1, $0.portName) < ($1.port ?? -1, $1.portName) }
            .map(ReportWording.port).joined(separator: ", ")
    }

    private static func single(_ finding: Finding) -> FindingGroup {
        FindingGroup(
            kind: .single, findings: [finding], label: finding.type.rawValue, message: finding.message,
            hint: finding.hint)
    }

    private static func addressGroup(_ members: [Finding]) -> FindingGroup {
        let first = members[0]
        guard members.count > 1, let key = first.backendKey else { return single(first) }
        // The message after its subject ("10.0.0.1:5432/TCP is in git but …"), the same for every port.
        let tail =
            first.message.hasPrefix(key.description)
            ? String(first.message.dropFirst(key.description.count)) : ": " + first.message
        return FindingGroup(
            kind: .address, findings: members, label: first.type.rawValue,
            message: "\(ReportWording.host(key.address)) on \(ports(members))\(tail)", hint: first.hint)
    }

    private static func replacedGroup(_ missing: [Finding], _ stale: [Finding]) -> FindingGroup {
        let old = missing[0].address ?? ""
        let new = stale[0].address ?? ""
        let message =
            "\(ReportWording.host(old)) → \(ReportWording.host(new)) on \(ports(missing)): git has "
            + "\(ReportWording.host(old)), the cluster serves \(ReportWording.host(new)) (missing-backend, stale-backend)"
        let hint =
            "put the address the service really uses in git (`endpoint-drift fix` writes the cluster's), "
            + "or apply the manifest if git is right"
        return FindingGroup(kind: .replaced, findings: missing + stale, label: "replaced", message: message, hint: hint)
    }
}
