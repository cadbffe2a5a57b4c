import Foundation
import Manifests

/// One whole check (or lint) run as a pure function: desired state, optional base commit and live
/// state, configuration in; `DriftReport` out. The command-line wiring reads git and the cluster,
/// calls this, and prints the report.
public enum DriftCheck {
    /// The desired state read from one commit.
    public struct Desired: Sendable {
        public var revision: DriftReport.Revision
        public var records: [ObjectRecord]
        /// Files that could not be read: `unreadable` ones are errors (the check is incomplete), the
        /// others `invalid-manifest` findings.
        public var errors: [ManifestError]
        public var notes: [ScanNote]
        /// Objects built from git that cannot be compared: their Services are left out, and their
        /// unresolved values reported.
        public var uncomparable: [UncomparableObject]

        public init(
            revision: DriftReport.Revision, records: [ObjectRecord], errors: [ManifestError] = [],
            notes: [ScanNote] = [], uncomparable: [UncomparableObject] = []
        ) {
            self.revision = revision
            self.records = records
            self.errors = errors
            self.notes = notes
            self.uncomparable = uncomparable
        }
    }

    /// The live state as read.
    public struct Observed: Sendable {
        public var records: [ObjectRecord]
        public var source: String
        public var observedAt: String
        /// The namespaces read; `nil` for all. Services of git outside them are not compared.
        public var namespaces: Set<String>?
        /// Namespaces that could not be read, with why: their Services get status `error`.
        public var failedNamespaces: [String: String]
        public var notes: [String]
        /// A filtered read's digest of the Services it left out (`LiveSnapshot.serviceDigest`).
        public var serviceDigest: ServiceDigest?
        /// The inventory of the records a check compares, when the read built it
        /// (`LiveSnapshot.liveInventory`); nil builds it from `records`.
        public var liveInventory: ServiceInventory?

        public init(
            records: [ObjectRecord], source: String, observedAt: String, namespaces: Set<String>? = nil,
            failedNamespaces: [String: String] = [:], notes: [String] = [], serviceDigest: ServiceDigest? = nil,
            liveInventory: ServiceInventory? = nil
        ) {
            self.serviceDigest = serviceDigest
            self.liveInventory = liveInventory
            self.records = records
            self.source = source
            self.observedAt = observedAt
            self.namespaces = namespaces
            self.failedNamespaces = failedNamespaces
            self.notes = notes
        }
    }

    public struct Input: Sendable {
        public var desired: Desired
        /// Pull-request mode: the base commit's desired state, checked against the same live state.
        public var base: Desired?
        /// `nil`: lint only.
        public var live: Observed?
        public var configuration: DriftConfiguration
        public var failPolicy: FailPolicy
        /// Every file that could not be read is an error (exit 2), not an `invalid-manifest` finding.
        public var strict: Bool
        /// Pull-request mode: who applies the merge, which decides whether a planned change fails.
        public var appliedBy: AppliedBy

        public init(
            desired: Desired, base: Desired? = nil, live: Observed? = nil,
            configuration: DriftConfiguration = DriftConfiguration(), failPolicy: FailPolicy = .bySeverity,
            strict: Bool = false, appliedBy: AppliedBy = .controller
        ) {
            self.appliedBy = appliedBy
            self.desired = desired
            self.base = base
            self.live = live
            self.configuration = configuration
            self.failPolicy = failPolicy
            self.strict = strict
        }
    }

    /// The namespaces to read from the cluster when the user names none: those the desired state
    /// uses (at the head and, in pull-request mode, the base), within the configuration's filter.
    public static func namespacesToRead(_ records: [ObjectRecord], configuration: DriftConfiguration) -> Set<String> {
        Set(records.map(\.ref.namespace)).filter { configuration.namespaces.admits(namespace: $0) }
    }

    /// What one run hands to the next run over the same desired state, configuration and namespaces
    /// (`serve`, between watch events): each Service's comparison and the lint findings. Start a new
    /// one when the commit or the configuration changes.
    public struct Reuse: Sendable {
        /// `nil` value: the Service was looked at and is not compared (the detector said so).
        var comparisons: [ServiceKey: ServiceComparison?] = [:]
        /// The desired state's lint, and the cluster IPs it saw of the addresses it looked up
        /// (`Linter.addressesLookedUp(in:)`): the same again for cluster IPs that agree on those.
        var lint: (addresses: Set<String>, clusterIPs: [String: ServiceKey], findings: [Finding])?
        /// Git's inventory, built once for the desired state the reuse is for.
        var desiredInventory: ServiceInventory?
        /// How many Services the last run compared (the others' comparisons were reused).
        public private(set) var compared = 0
        /// Whether the last run linted the desired state (it does again only when the cluster IPs moved).
        public private(set) var linted = false

        public init() {}

        mutating func startRun() {
            compared = 0
            linted = false
        }

        /// Whether `comparison` would compute `key` (rather than reuse what it has).
        func needsComparison(_ key: ServiceKey, touched: Set<ServiceKey>?) -> Bool {
            guard let touched, !touched.contains(key) else { return true }
            return comparisons[key] == nil
        }

        mutating func comparison(
            _ key: ServiceKey, touched: Set<ServiceKey>?, compute: () -> ServiceComparison?
        ) -> ServiceComparison? {
            if !needsComparison(key, touched: touched), let known = comparisons[key] { return known }
            compared += 1
            let comparison = compute()
            comparisons[key] = .some(comparison)
            return comparison
        }

        mutating func lintFindings(
            _ records: [ObjectRecord], clusterIPs: [String: ServiceKey], compute: () -> [Finding]
        ) -> [Finding] {
            if let lint, lint.clusterIPs == Self.restricted(clusterIPs, to: lint.addresses) { return lint.findings }
            linted = true
            let findings = compute()
            let addresses = Linter.addressesLookedUp(in: records)
            lint = (addresses, Self.restricted(clusterIPs, to: addresses), findings)
            return findings
        }

        private static func restricted(
            _ clusterIPs: [String: ServiceKey], to addresses: Set<String>
        ) -> [String: ServiceKey] {
            var kept: [String: ServiceKey] = [:]
            // The smaller side is walked: git's few addresses, or a small map.
            if addresses.count < clusterIPs.count {
                for address in addresses { kept[address] = clusterIPs[address] }
            } else {
                for (address, owner) in clusterIPs where addresses.contains(address) { kept[address] = owner }
            }
            return kept
        }
    }

    /// A `Reuse` that has linted `desired` already, as a run with no live cluster IP among git's
    /// addresses would: made while the live state is read, it spares the run the lint (the
    /// desired state's longest part) unless a live Service's cluster IP is one of git's addresses.
    /// `cores`: how many the inventory is built on.
    public static func prepare(
        _ desired: Desired, configuration: DriftConfiguration, strict: Bool,
        cores: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> Reuse {
        var reuse = Reuse()
        let inventory = ServiceInventory(records: desired.records, parts: cores)
        reuse.desiredInventory = inventory
        let clusterIPs = ServiceDigest.clusterIPs(of: desired.records)
        _ = reuse.lintFindings(desired.records, clusterIPs: clusterIPs) {
            Evaluation.lint(
                desired, inventory: inventory, clusterIPs: clusterIPs, configuration: configuration, strict: strict)
        }
        return reuse
    }

    public static func run(_ input: Input) -> DriftReport {
        var reuse = Reuse()
        return run(input, reusing: &reuse, touched: nil)
    }

    /// The report of `run(_:)`, comparing again only the Services in `touched` (all when `nil`)
    /// and reusing `reuse`'s comparisons of the others: `serve` after a watch event. The caller
    /// vouches that only the touched Services' live objects changed since `reuse` was filled.
    public static func run(_ input: Input, reusing reuse: inout Reuse, touched: Set<ServiceKey>?) -> DriftReport {
        reuse.startRun()
        let head = Evaluation(
            input.desired, live: input.live, configuration: input.configuration, strict: input.strict, reuse: &reuse,
            touched: touched)
        var report = DriftReport(
            mode: input.live == nil ? .lint : .check, desired: input.desired.revision,
            base: input.base?.revision,
            live: input.live.map {
                DriftReport.LiveInfo(source: $0.source, observedAt: $0.observedAt, namespaces: $0.namespaces?.sorted())
            },
            services: head.services, findings: head.findings, notes: head.notes, errors: head.errors,
            excludedServices: head.excluded, failPolicy: input.failPolicy, appliedBy: input.appliedBy)
        report.notes += input.configuration.warnings.map {
            DriftReport.Message(path: $0.path, line: $0.line, kind: "config", message: $0.message)
        }
        report.notes += (input.live?.notes ?? []).map { DriftReport.Message(kind: "live", message: $0) }

        if let baseDesired = input.base {
            var scratch = Reuse()
            let base = Evaluation(
                baseDesired, live: input.live, configuration: input.configuration, strict: input.strict,
                reuse: &scratch, touched: nil)
            let baseIdentities = Set(base.findings.map(\.identity))
            let headIdentities = Set(report.findings.map(\.identity))
            // The live state and the configuration are the same for both commits, so a difference with
            // the cluster that the base does not have comes from git: it is the plan.
            for index in report.findings.indices {
                let finding = report.findings[index]
                report.findings[index].change =
                    baseIdentities.contains(finding.identity)
                    ? .preExisting : finding.type.category == .drift ? .planned : .introduced
            }
            report.fixed = base.findings.filter { !$0.isIgnored && !headIdentities.contains($0.identity) }
            let liveNow = Dictionary(head.services.map { ($0.key, $0.live.count) }, uniquingKeysWith: { $1 })
            report.desiredChanges = DesiredChange.between(base: base.inventory, head: head.inventory).filter {
                input.configuration.admits($0.service)
            }
            if input.live != nil {
                for index in report.desiredChanges.indices {
                    report.desiredChanges[index].liveNow = liveNow[report.desiredChanges[index].service] ?? 0
                }
            }
            let known = Set(report.errors)
            report.errors += base.errors.filter { !known.contains($0) }.map { error in
                var copy = error
                copy.message = "at the base commit: \(error.message)"
                return copy
            }
        }
        return report
    }
}

/// What an evaluation builds from every record before it lints and compares: each part reads
/// the records on its own, so the parts are built on every core at once.
private struct Prepared: Sendable {
    var inventory = ServiceInventory()
    var clusterIPs: [String: ServiceKey] = [:]
    var annotations = AnnotationIndex(records: [ObjectRecord]())
    /// The live records a comparison can use (`comparableLiveRecords`), by Service.
    var liveInventory = ServiceInventory()

    /// `inventory`: git's, when it is built already. `lintedAddresses`: the addresses git's lint
    /// looks up (`Linter.addressesLookedUp`), when known: of the live Services' cluster IPs only
    /// those are kept (a cluster holds tens of thousands; git writes a few of them, if any).
    static func build(
        _ desired: DriftCheck.Desired, live: DriftCheck.Observed?, inventory: ServiceInventory?,
        lintedAddresses: Set<String>?
    ) -> Prepared {
        // The live inventory is most of the work, unless the read built it: it is built in one piece
        // per core, beside git's side and the annotation index (one flat set of jobs: nested ones
        // would run one by one).
        let liveParts =
            live == nil || live?.liveInventory != nil ? 0 : max(1, ProcessInfo.processInfo.activeProcessorCount)
        let backed = live.map { live in
            live.serviceDigest?.backed
                ?? ServiceInventory.controllerBackedServices(
                    live.records, desired: Set(desired.records.compactMap(\.serviceKey)).contains)
        }
        let pieces = Concurrently.map(liveParts + 2) { job -> Piece in
            let records = [desired.records, live?.records ?? []].joined()
            switch job {
            case liveParts:
                let inventory = inventory ?? ServiceInventory(records: desired.records)
                guard let digest = live?.serviceDigest else {
                    return .desired(inventory, ServiceDigest.clusterIPs(of: records))
                }
                // The live ones come last, as in `records`: a live Service's address wins.
                var clusterIPs = ServiceDigest.clusterIPs(of: desired.records)
                if let lintedAddresses {
                    for address in lintedAddresses {
                        if let owner = digest.clusterIPs[address] { clusterIPs[address] = owner }
                    }
                } else {
                    clusterIPs.merge(digest.clusterIPs, uniquingKeysWith: { $1 })
                }
                return .desired(inventory, clusterIPs)
            case liveParts + 1:
                return .annotations(AnnotationIndex(records: records))
            default:
                return .live(
                    ServiceInventory.part(
                        job, among: liveParts, of: live?.records ?? [], leavingOut: { backed?.contains($0) ?? false }))
            }
        }
        var prepared = Prepared()
        var liveInventory: [ServiceInventory.Part] = []
        for piece in pieces {
            switch piece {
            case .desired(let inventory, let clusterIPs):
                prepared.inventory = inventory
                prepared.clusterIPs = clusterIPs
            case .annotations(let annotations): prepared.annotations = annotations
            case .live(let part): liveInventory.append(part)
            }
        }
        if let live {
            prepared.liveInventory =
                live.liveInventory
                ?? ServiceInventory(joining: liveInventory, unlinked: live.records.filter { $0.serviceKey == nil })
        }
        return prepared
    }

    private enum Piece: Sendable {
        case desired(ServiceInventory, [String: ServiceKey])
        case annotations(AnnotationIndex)
        case live(ServiceInventory.Part)
    }
}

/// One commit's half of a run: lint, compare, ignore, statuses.
private struct Evaluation {
    let inventory: ServiceInventory
    var services: [ServiceResult] = []
    var findings: [Finding] = []
    var notes: [DriftReport.Message] = []
    var errors: [DriftReport.Message] = []
    var excluded = 0

    init(
        _ desired: DriftCheck.Desired, live: DriftCheck.Observed?, configuration: DriftConfiguration, strict: Bool,
        reuse: inout DriftCheck.Reuse, touched: Set<ServiceKey>?
    ) {
        let prepared = Prepared.build(
            desired, live: live, inventory: reuse.desiredInventory, lintedAddresses: reuse.lint?.addresses)
        reuse.desiredInventory = prepared.inventory
        inventory = prepared.inventory
        notes = desired.notes.map {
            DriftReport.Message(path: $0.path, line: $0.line, kind: $0.reason.rawValue, message: $0.message)
        }
        let isError = { (error: ManifestError) in Self.isError(error, strict: strict) }
        errors = desired.errors.filter(isError).map {
            DriftReport.Message(
                path: $0.path.isEmpty ? nil : $0.path, line: $0.line > 0 ? $0.line : nil,
                kind: $0.kind == .unreadable ? "unreadable" : "invalid-manifest", message: $0.message)
        }
        let clusterIPs = prepared.clusterIPs
        findings = reuse.lintFindings(desired.records, clusterIPs: clusterIPs) { [inventory] in
            Self.lint(
                desired, inventory: inventory, clusterIPs: clusterIPs, configuration: configuration, strict: strict)
        }

        let uncomparable = Set(desired.uncomparable.compactMap(\.service))
        for key in uncomparable.sorted() where configuration.admits(key) {
            let reasons = desired.uncomparable.filter { $0.service == key }.map { "\($0.ref): \($0.reason)" }
            notes.append(
                DriftReport.Message(
                    kind: "not-compared", message: "Service \(key) is not compared: " + reasons.joined(separator: "; "))
            )
        }
        var comparisons: [ServiceComparison] = []
        if let live {
            comparisons = compare(
                live: live, liveInventory: prepared.liveInventory, configuration: configuration,
                skipping: uncomparable, reuse: &reuse, touched: touched)
        } else {
            for entry in inventory.entries {
                guard !uncomparable.contains(entry.key) else { continue }
                guard configuration.admits(entry.key) else {
                    excluded += 1
                    continue
                }
                services.append(
                    ServiceResult(
                        key: entry.key, status: nil, desired: entry.backends, desiredObjects: entry.records.map(\.ref)))
            }
        }

        var placeholderValues: [ServiceKey: [String: [String]]] = [:]
        for comparison in comparisons where !comparison.placeholderValues.isEmpty {
            placeholderValues[comparison.key] = comparison.placeholderValues
        }
        findings += UnresolvedValues.findings(
            records: desired.records, uncomparable: desired.uncomparable, placeholderValues: placeholderValues
        ).filter { Self.admits($0, configuration) }

        let annotations = prepared.annotations
        notes += annotations.unknownValues.map {
            DriftReport.Message(
                kind: "annotation",
                message: "\(WellKnown.ignoreAnnotation) on \($0.ref): '\($0.value)' is not a finding type; not used")
        }
        for index in findings.indices {
            findings[index].ignoredBy = configuration.ignore.reason(for: findings[index], annotations: annotations)
        }
        findings.sort(by: Finding.precedes)
        services += statuses(comparisons)
        services.sort { $0.key < $1.key }
    }

    /// Whether a manifest error is an error of the report (else a finding).
    static func isError(_ error: ManifestError, strict: Bool) -> Bool { strict || error.kind == .unreadable }

    /// The desired state's findings of its own: the linter's, and the manifest errors that are not
    /// errors of the report.
    static func lint(
        _ desired: DriftCheck.Desired, inventory: ServiceInventory, clusterIPs: [String: ServiceKey],
        configuration: DriftConfiguration, strict: Bool
    ) -> [Finding] {
        (Linter.lint(desired.records, inventory: inventory, clusterIPs: clusterIPs)
            + Linter.findings(
                for: desired.errors.filter { !isError($0, strict: strict) }, commit: desired.revision.commit))
            .filter { admits($0, configuration) }
    }

    /// `DriftDetector.compare` of each key, on every core when there are enough to share.
    private static func compareConcurrently(
        _ keys: [ServiceKey], desired: ServiceInventory, live: ServiceInventory
    ) -> [ServiceKey: ServiceComparison?] {
        let parts = keys.count >= 64 ? min(8, ProcessInfo.processInfo.activeProcessorCount * 2) : 1
        let found = Concurrently.map(parts) { part in
            stride(from: part, to: keys.count, by: parts).map { index in
                (
                    keys[index],
                    DriftDetector.compare(keys[index], desired: desired[keys[index]], live: live[keys[index]])
                )
            }
        }
        var all: [ServiceKey: ServiceComparison?] = [:]
        for (key, comparison) in found.joined() { all[key] = .some(comparison) }
        return all
    }

    private mutating func compare(
        live: DriftCheck.Observed, liveInventory: ServiceInventory, configuration: DriftConfiguration,
        skipping uncomparable: Set<ServiceKey>, reuse: inout DriftCheck.Reuse, touched: Set<ServiceKey>?
    ) -> [ServiceComparison] {
        var comparisons: [ServiceComparison] = []
        var outOfScope = 0
        for (namespace, message) in live.failedNamespaces.sorted(by: { $0.key < $1.key }) {
            errors.append(DriftReport.Message(kind: "namespace", message: "namespace \(namespace): \(message)"))
        }
        var compared: [ServiceKey] = []
        for key in inventory.keys.union(liveInventory.keys).sorted() where !uncomparable.contains(key) {
            let desired = inventory[key]
            guard configuration.admits(key) else {
                if desired != nil { excluded += 1 }
                continue
            }
            guard live.namespaces?.contains(key.namespace) ?? true else {
                if desired != nil { outOfScope += 1 }
                continue
            }
            if let failure = live.failedNamespaces[key.namespace] {
                if let desired {
                    services.append(
                        ServiceResult(
                            key: key, status: .error, desired: desired.backends,
                            desiredObjects: desired.records.map(\.ref), error: failure))
                }
                continue
            }
            compared.append(key)
        }
        // Each Service compares on its own (the detector is a pure function of its two entries):
        // those to compare are compared on every core first, then taken in order.
        let computed = Self.compareConcurrently(
            compared.filter { reuse.needsComparison($0, touched: touched) }, desired: inventory, live: liveInventory)
        for key in compared {
            // A Service no event touched compares as it did: its objects on both sides are the same.
            guard
                let comparison = reuse.comparison(
                    key, touched: touched,
                    compute: {
                        computed[key] ?? DriftDetector.compare(key, desired: inventory[key], live: liveInventory[key])
                    })
            else {
                continue
            }
            comparisons.append(comparison)
            findings += comparison.findings
        }
        if outOfScope > 0 {
            notes.append(
                DriftReport.Message(
                    kind: "scope",
                    message: "\(plural(outOfScope, "Service")) in git are in namespaces not read from the cluster; "
                        + "not compared"))
            excluded += outOfScope
        }
        return comparisons
    }

    /// Statuses come from the findings that are not ignored: a Service whose every difference is
    /// ignored is in sync, and a live-only Service whose objects are all ignored is not listed.
    private func statuses(_ comparisons: [ServiceComparison]) -> [ServiceResult] {
        let drifting = Set(
            findings.filter { !$0.isIgnored && $0.type.category == .drift }.compactMap(\.service))
        return comparisons.compactMap { comparison in
            let active = drifting.contains(comparison.key)
            let status: ServiceStatus
            switch comparison.outcome {
            case .notCompared: return nil
            case .unmanaged:
                guard active else { return nil }
                status = .unmanaged
            case .missingLive: status = active ? .missingLive : .inSync
            case .compared: status = active ? .drifted : .inSync
            }
            return ServiceResult(
                key: comparison.key, status: status, desired: comparison.desired, live: comparison.live,
                desiredObjects: comparison.desiredObjects, liveObjects: comparison.liveObjects)
        }
    }

    /// Lint findings follow the namespace and Service filters too.
    private static func admits(_ finding: Finding, _ configuration: DriftConfiguration) -> Bool {
        if let service = finding.service { return configuration.admits(service) }
        if let object = finding.object { return configuration.namespaces.admits(namespace: object.namespace) }
        return true
    }
}
