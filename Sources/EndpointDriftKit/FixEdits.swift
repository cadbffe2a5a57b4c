import Drift
import Manifests
import Remediation
import Scanner

/// The fix for one scanned commit and one live state: the plan (ignored findings kept as they are)
/// and, `--to live`, the corrected files. `fix` and `serve --fix-branch` compute it with this code.
enum FixEdits {
    /// A plan and what it needs next.
    struct Planned {
        var plan: FixPlan
        /// Addresses written as variables defined in git: their definitions change instead.
        var variableEdits: [ServiceKey: [VariableFix.Edit]]
        var desired: ServiceInventory
        /// The live inventory the edited side is made to match (`--to live`).
        var live: ServiceInventory
    }

    /// Plans the fix of the services `check` compared (not those whose namespace could not be read).
    static func plan(
        scan: ScanResult, liveRecords: [ObjectRecord], check: DriftReport, options: FixPlanner.Options,
        filter: PathFilter
    ) -> Planned {
        var desiredInventory = scan.inventory
        // Only the live Services that can matter get backend sets (most are selector Services).
        var liveInventory = ServiceInventory(
            records: ServiceInventory.comparableLiveRecords(liveRecords, desired: desiredInventory))
        switch options.direction {
        case .live:
            liveInventory = FixTargets.keepingIgnored(
                source: liveInventory, kept: desiredInventory, findings: check.findings, sourceIsLive: true)
        case .git:
            desiredInventory = FixTargets.keepingIgnored(
                source: desiredInventory, kept: liveInventory, findings: check.findings, sourceIsLive: false)
        }
        var plan = FixPlanner(options: options).plan(
            desired: desiredInventory, live: liveInventory,
            // A service whose namespace could not be read is not planned: its absence is not drift.
            services: Set(check.services.filter { $0.status != .error }.map(\.key)),
            takenSliceNames: FixPlanner.sliceNames(of: [scan.records, liveRecords].joined()))
        let variableEdits = BuiltValueGuard.apply(
            &plan, desired: scan.inventory,
            narrowed: !filter.prefixes.isEmpty || !filter.excludes.isEmpty
                || filter.includes.map(\.pattern) != PathFilter.defaultIncludes)
        return Planned(plan: plan, variableEdits: variableEdits, desired: desiredInventory, live: liveInventory)
    }

    /// The `--to live` files of `planned`, edited from their text at the scanned commit, and what
    /// became of each service. `utf8Only`: refuse (naming the file) a UTF-16/32 file the edits touch,
    /// as anything that writes must (the editor places edits by UTF-8 offsets).
    static func correctedFiles(
        _ planned: Planned, snapshot: RepositorySnapshot, scan: ScanResult, defaultNamespace: String, utf8Only: Bool
    ) throws(RunError) -> FixApplier.Output {
        let plan = planned.plan
        // The applier is pure: give it the files it may need, read from the commit now.
        var contents: [String: [UInt8]] = [:]
        for service in plan.services {
            for path in service.paths {
                if contents[path] == nil, let bytes = try? snapshot.readFile(path) { contents[path] = bytes }
            }
        }
        for (path, bytes) in contents.sorted(by: { $0.key < $1.key }) where utf8Only {
            if let encoding = bytes.withUnsafeBytes({ UnicodeBOM.detect($0) }) {
                throw RunError(
                    operation: "fix", subject: path,
                    message:
                        "the file is \(encoding.rawValue); fix edits UTF-8 files only: convert it first (iconv -f \(encoding.rawValue) -t UTF-8), nothing was written"
                )
            }
        }
        let files = contents
        let namespaces = ImplicitNamespaces(records: scan.records, defaultNamespace: defaultNamespace)
        let applier = FixApplier(
            desired: scan.records, live: planned.live, readFile: { files[$0] },
            implicitNamespace: { namespaces.namespace(for: $0) })
        var output = applier.run(plan)
        // Addresses written as variables: their definitions change, not the manifests.
        let variableEdits = planned.variableEdits
        let variables = VariableFix.apply(
            variableEdits.values.flatMap { $0 }, readFile: { try? snapshot.readFile($0) })
        output.files += variables.files
        for index in output.services.indices {
            guard variableEdits[output.services[index].service] != nil else { continue }
            let failed = variables.failed.filter { $0.service == output.services[index].service }
            output.services[index].status = failed.isEmpty ? .fixed : .unfixed
            output.services[index].reasons =
                failed.isEmpty
                ? []
                : failed.map {
                    "\($0.variable) (\($0.path):\($0.line)) does not hold \($0.old) once: change it by hand"
                }
        }
        return output
    }
}
