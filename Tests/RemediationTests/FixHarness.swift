import Manifests
import Remediation

/// Runs planner, editor and verifier on in-memory files, as `fix --to live` does on a commit.
struct FixHarness {
    var files: [String: String]
    var live: String
    var options = FixPlanner.Options()

    struct Result {
        var plan: FixPlan
        var output: FixApplier.Output
        /// Path → new text (`nil`: deleted). Only changed files.
        var edited: [String: String?]

        func text(_ path: String) -> String? { edited[path] ?? nil }
    }

    static func records(_ text: String, path: String, live: Bool) -> [ObjectRecord] {
        ManifestFileReader.read(text, path: path).objects.map { object in
            let namespace = object.object.metadata.namespace ?? "default"
            if live { return ObjectRecord(object: object.object, ref: object.object.ref()) }
            return object.record(
                path: path, namespace: namespace,
                rule: object.object.metadata.namespace == nil ? .defaultNamespace : .metadata)
        }
    }

    var desiredRecords: [ObjectRecord] {
        files.keys.sorted().flatMap { Self.records(files[$0] ?? "", path: $0, live: false) }
    }

    var liveInventory: ServiceInventory { ServiceInventory(records: Self.records(live, path: "live.yaml", live: true)) }

    func run() -> Result {
        let desired = desiredRecords
        let liveInventory = liveInventory
        let plan = FixPlanner(options: options).plan(desired: ServiceInventory(records: desired), live: liveInventory)
        let snapshot = files
        let applier = FixApplier(
            desired: desired, live: liveInventory, readFile: { snapshot[$0].map { Array($0.utf8) } },
            implicitNamespace: { _ in "default" })
        let output = applier.run(plan)
        var edited: [String: String?] = [:]
        for file in output.files {
            edited.updateValue(file.edited.map { String(decoding: $0, as: UTF8.self) }, forKey: file.path)
        }
        return Result(plan: plan, output: output, edited: edited)
    }

    /// What the API server's validation says of every object in a file.
    static func validationProblems(_ text: String, path: String) -> [String] {
        let read = ManifestFileReader.read(text, path: path)
        return read.errors.map(\.description)
            + read.objects.flatMap { object in
                APIValidation.validate(object.object, namespace: object.object.metadata.namespace ?? "default").map {
                    "\(object.object.kind.rawValue) \(object.object.metadata.name): \($0)"
                }
            }
    }

    /// The desired backends after applying `edited` equal the live ones, for every service, and
    /// every object git then defines exists in the cluster.
    static func remainingDrift(files: [String: String], edited: [String: String?], live: String) -> [ServiceKey] {
        var after = files
        for (path, text) in edited { after[path] = text }
        let desired = ServiceInventory(
            records: after.keys.sorted().flatMap { records(after[$0] ?? "", path: $0, live: false) })
        let liveInventory = ServiceInventory(records: records(live, path: "live.yaml", live: true))
        return desired.keys.union(liveInventory.keys).sorted().filter { key in
            // Services with a selector or of type ExternalName take their backends from controllers.
            if case .service(let service)? = desired[key]?.service?.object,
                service.hasSelector || service.isExternalName
            {
                return false
            }
            let liveRefs = Set(liveInventory[key]?.records.map(\.ref) ?? [])
            if (desired[key]?.records ?? []).contains(where: { !liveRefs.contains($0.ref) }) { return true }
            return (desired[key]?.backends ?? BackendSet()) != (liveInventory[key]?.backends ?? BackendSet())
        }
    }
}
