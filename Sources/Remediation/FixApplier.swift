import Manifests

/// Carries out a `--to live` plan on file texts and checks the result: every edited file must
/// re-parse, every fixed service must then have exactly the cluster's backends, and no other service
/// may change. A service whose edits fail either check is dropped from the fix (and reported), and the
/// files are edited again without it. Pure: files come in and go out as bytes.
public struct FixApplier: Sendable {
    /// What became of one service.
    public enum Status: String, Sendable, Hashable {
        /// Its edits were made and verified; no drift remains.
        case fixed
        /// Edits were made and verified, but some drift needs a person (or --prune / --adopt).
        case partial
        /// Nothing could be changed automatically.
        case unfixed
    }

    /// A service's plan, what became of it, and why drift remains.
    public struct ServiceOutcome: Sendable, Hashable {
        public var plan: ServicePlan
        public var status: Status
        /// Why drift remains (the plan's reasons, and edit failures).
        public var reasons: [String]

        public init(plan: ServicePlan, status: Status, reasons: [String]) {
            self.plan = plan
            self.status = status
            self.reasons = reasons
        }

        public var service: ServiceKey { plan.service }
    }

    /// The files to write and the outcome of every planned service.
    public struct Output: Sendable {
        /// Changed and new files, by path.
        public var files: [ManifestEditor.FileResult]
        public var services: [ServiceOutcome]

        public init(files: [ManifestEditor.FileResult], services: [ServiceOutcome]) {
            self.files = files
            self.services = services
        }

        /// Whether drift remains that the run did not fix.
        public var hasRemainingDrift: Bool { services.contains { $0.status != .fixed } }
    }

    /// The scanned desired objects (with their sources).
    public var desired: [ObjectRecord]
    public var live: ServiceInventory
    /// A file's bytes at the scanned commit, `nil` when it does not exist there.
    public var readFile: @Sendable (String) -> [UInt8]?
    /// The namespace objects without `metadata.namespace` get in a file (kustomization or default).
    public var implicitNamespace: @Sendable (String) -> String

    public init(
        desired: [ObjectRecord], live: ServiceInventory, readFile: @escaping @Sendable (String) -> [UInt8]?,
        implicitNamespace: @escaping @Sendable (String) -> String
    ) {
        self.desired = desired
        self.live = live
        self.readFile = readFile
        self.implicitNamespace = implicitNamespace
    }

    public func run(_ plan: FixPlan) -> Output {
        var active = plan.services.filter(\.hasActions)
        var failures: [ServiceKey: [String]] = [:]
        var files: [ManifestEditor.FileResult] = []
        var remaining: [ServiceKey: [String]] = [:]
        attempt: while true {
            files = []
            let requests = Self.requests(for: active)
            for (path, request) in requests.existing.sorted(by: { $0.key < $1.key }) {
                guard let original = readFile(path) else {
                    drop(path: path, reason: "\(path) is not in the scanned commit", from: &active, failures: &failures)
                    continue attempt
                }
                var filled = request
                filled.original = original
                do {
                    files.append(try ManifestEditor.apply(filled))
                } catch {
                    drop(path: path, reason: error.description, from: &active, failures: &failures)
                    continue attempt
                }
            }
            for (path, objects) in requests.new.sorted(by: { $0.key < $1.key }) {
                if readFile(path) != nil || requests.existing[path] != nil {
                    drop(
                        path: path, reason: "\(path) already exists; pass another --adopt folder", from: &active,
                        failures: &failures)
                    continue attempt
                }
                files.append(ManifestEditor.newFile(path: path, objects: objects))
            }
            switch verify(files, active: active) {
            case .success(let drift):
                remaining = drift
                break attempt
            case .failure(let problem):
                // Never loop: a problem no service can be blamed for stops every edit.
                let blamed = problem.services.isEmpty ? Set(active.map(\.service)) : problem.services
                for key in blamed {
                    failures[key, default: []].append(problem.reason)
                    active.removeAll { $0.service == key }
                }
            }
        }
        let activeKeys = Set(active.map(\.service))
        let outcomes = plan.services.map { service -> ServiceOutcome in
            var reasons = service.unresolved + (failures[service.service] ?? [])
            let status: Status
            if activeKeys.contains(service.service) {
                let notFixed = remaining[service.service] ?? []
                reasons += notFixed
                status = service.unresolved.isEmpty && notFixed.isEmpty ? .fixed : .partial
            } else {
                status = .unfixed
                if reasons.isEmpty && !service.changes.isEmpty {
                    reasons.append("the backends differ, but no edit of git can make them equal")
                }
            }
            return ServiceOutcome(plan: service, status: status, reasons: reasons)
        }
        return Output(files: files.sorted { $0.path < $1.path }, services: outcomes)
    }

    // MARK: Requests

    private static func requests(
        for services: [ServicePlan]
    ) -> (
        existing: [String: ManifestEditor.FileRequest], new: [String: [NewObject]]
    ) {
        var existing: [String: ManifestEditor.FileRequest] = [:]
        var new: [String: [NewObject]] = [:]
        func request(_ path: String) -> ManifestEditor.FileRequest {
            existing[path] ?? ManifestEditor.FileRequest(path: path, original: [])
        }
        for service in services {
            for edit in service.edits {
                var value = request(edit.location.path)
                value.edits.append(edit)
                existing[edit.location.path] = value
            }
            for removal in service.removals {
                var value = request(removal.path)
                value.removals.append(removal)
                existing[removal.path] = value
            }
            for object in service.newObjects {
                switch object.placement {
                case .after(let location):
                    var value = request(location.path)
                    value.insertions.append(object)
                    existing[location.path] = value
                case .newFile(let path):
                    new[path, default: []].append(object)
                }
            }
        }
        return (existing, new)
    }

    private func drop(
        path: String, reason: String, from active: inout [ServicePlan], failures: inout [ServiceKey: [String]]
    ) {
        for service in active where service.paths.contains(path) {
            failures[service.service, default: []].append(reason)
        }
        active.removeAll { $0.paths.contains(path) }
    }

    // MARK: Verification

    private struct Problem: Error {
        var services: Set<ServiceKey>
        var reason: String
    }

    /// Re-reads the changed files as the scanner would, checks every object in them with the API
    /// server's validation, and compares the services' backends. On success, returns what still
    /// differs from the cluster for the services planned as fully fixed ("not fixed: …").
    private func verify(
        _ files: [ManifestEditor.FileResult], active: [ServicePlan]
    ) -> Result<[ServiceKey: [String]], Problem> {
        let changed = Set(files.map(\.path))
        var records = desired.filter { !changed.contains($0.source?.path ?? "") }
        for file in files {
            guard let bytes = file.edited else { continue }
            let output = bytes.withUnsafeBytes { ManifestFileReader.read($0, path: file.path) }
            // A document that was already broken stays broken; only new errors count against the edit.
            let before =
                file.original.map { original in
                    original.withUnsafeBytes { ManifestFileReader.read($0, path: file.path).errors.count }
                } ?? 0
            if output.errors.count > before, let error = output.errors.last {
                let touching = Set(active.filter { $0.paths.contains(file.path) }.map(\.service))
                return .failure(
                    Problem(services: touching, reason: "the edited \(file.path) does not read back: \(error)"))
            }
            for object in output.objects {
                let namespace = object.object.metadata.namespace ?? implicitNamespace(file.path)
                records.append(object.record(path: file.path, namespace: namespace, rule: nil))
            }
        }
        if let problem = refusedObject(records, changed: changed, active: active) { return .failure(problem) }
        // Only services with an object in a changed file (or being fixed) can have changed.
        var touched = Set(active.map(\.service))
        for record in desired where changed.contains(record.source?.path ?? "") {
            if let key = record.serviceKey { touched.insert(key) }
        }
        for record in records where changed.contains(record.source?.path ?? "") {
            if let key = record.serviceKey { touched.insert(key) }
        }
        let isTouched = { (record: ObjectRecord) in record.serviceKey.map(touched.contains) ?? false }
        let before = ServiceInventory(records: desired.filter(isTouched))
        let after = ServiceInventory(records: records.filter(isTouched))
        var wrong: Set<ServiceKey> = []
        let activeByKey = Dictionary(active.map { ($0.service, $0) }, uniquingKeysWith: { first, _ in first })
        for key in before.keys.union(after.keys) {
            let now = after[key]?.backends ?? BackendSet()
            if let plan = activeByKey[key] {
                // A partly fixed service still has drift by design; only a full fix must match exactly.
                if plan.unresolved.isEmpty && now != (live[key]?.backends ?? BackendSet()) { wrong.insert(key) }
            } else if now != (before[key]?.backends ?? BackendSet()) {
                // An edit for one service changed another: blame the services that edit the same files.
                let paths = Set((before[key]?.records ?? []).compactMap(\.source?.path))
                for plan in active where !plan.paths.isDisjoint(with: paths) { wrong.insert(plan.service) }
            }
        }
        guard wrong.isEmpty else {
            return .failure(
                Problem(
                    services: wrong,
                    reason:
                        "internal check failed: after the edit the backends still differ; the file was left as it was"
                ))
        }
        // Equal backends are not all of it: an object git defines that the cluster does not have is
        // still drift (`missing-live-object`).
        var notFixed: [ServiceKey: [String]] = [:]
        for plan in active where plan.unresolved.isEmpty {
            let liveRefs = Set(live[plan.service]?.records.map(\.ref) ?? [])
            let missing = (after[plan.service]?.records ?? []).filter { !liveRefs.contains($0.ref) }
            guard !missing.isEmpty else { continue }
            let names = missing.map { "\($0.ref.kind.rawValue) \($0.ref.namespace)/\($0.ref.name)" }
            notFixed[plan.service] = [
                "not fixed: \(names.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") in git but not in the cluster"
            ]
        }
        return .success(notFixed)
    }

    /// The first object in a changed file that the API server would refuse (`APIValidation`) for a
    /// reason it did not have before the fix, blamed on the services that edit or create it.
    private func refusedObject(_ records: [ObjectRecord], changed: Set<String>, active: [ServicePlan]) -> Problem? {
        func problems(_ record: ObjectRecord) -> [ValidationProblem] {
            APIValidation.validate(record.object, namespace: record.ref.namespace)
        }
        // Field paths move when items are added or removed: compare what is wrong, not where.
        var before: [ObjectRef: Set<String>] = [:]
        for record in desired where changed.contains(record.source?.path ?? "") {
            before[record.ref, default: []].formUnion(problems(record).map { "\($0.rule): \($0.message)" })
        }
        for record in records where changed.contains(record.source?.path ?? "") {
            let known = before[record.ref] ?? []
            guard let problem = problems(record).first(where: { !known.contains("\($0.rule): \($0.message)") }) else {
                continue
            }
            var blamed = Set(
                active.filter { plan in
                    plan.edits.contains { $0.location.ref == record.ref }
                        || plan.newObjects.contains { $0.ref == record.ref }
                }.map(\.service))
            if blamed.isEmpty {
                blamed = Set(active.filter { $0.paths.contains(record.source?.path ?? "") }.map(\.service))
            }
            return Problem(
                services: blamed,
                reason:
                    "the API server would refuse the edited \(record.ref.kind.rawValue) \(record.ref.namespace)/\(record.ref.name) (\(problem)); it was not written"
            )
        }
        return nil
    }
}
