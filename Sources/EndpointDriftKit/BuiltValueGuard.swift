import Manifests
import Remediation

/// Keeps `fix` from writing over what a build decides: an address written as a Flux variable
/// (`${NAS_IP}`) would be replaced by its value, and addresses written by an inline or JSON 6902
/// kustomize patch are not an object's text to edit (a patch file that is the object's shape is:
/// its record points there). Such services are left as they are, with where to change
/// them instead.
enum BuiltValueGuard {
    /// Leaves alone what a build decides; returns the variable definitions to change instead, for the
    /// services whose only difference is an address written as a variable defined in git.
    /// `narrowed`: `--path`, `--include` or `--exclude` hid part of the repository, so other uses of a
    /// variable may not be seen: no definition is changed then.
    static func apply(
        _ plan: inout FixPlan, desired: ServiceInventory, narrowed: Bool
    ) -> [ServiceKey: [VariableFix.Edit]] {
        guard plan.direction == .live else { return [:] }
        let allRecords = desired.entries.flatMap(\.records)
        var variableEdits: [ServiceKey: [VariableFix.Edit]] = [:]
        for index in plan.services.indices {
            let key = plan.services[index].service
            guard let entry = desired[key], var reason = reason(entry.records),
                plan.services[index].hasActions || !plan.services[index].changes.isEmpty
            else { continue }
            let decision: Result<[VariableFix.Edit], VariableFix.Refusal>? =
                narrowed
                ? .failure(VariableFix.Refusal("--path, --include or --exclude may hide other uses of the variable"))
                : VariableFix.edits(for: plan.services[index], entry: entry, allRecords: allRecords)
            switch decision {
            case .success(let edits)?:
                variableEdits[key] = edits
                plan.services[index].edits = []
                plan.services[index].newObjects = []
                plan.services[index].removals = []
                continue
            case .failure(let refusal)?:
                reason =
                    "\(entry.key): \(refusal.reason); endpoint-drift changes a variable only where git defines it "
                    + "(a ConfigMap or the Flux Kustomization's substitute map) and every use agrees"
            case nil:
                break
            }
            plan.services[index].edits = []
            plan.services[index].newObjects = []
            plan.services[index].removals = []
            plan.services[index].unresolved.append(reason)
        }
        return variableEdits
    }

    /// Why `fix` leaves a service's objects alone, or `nil` when it may edit them.
    static func reason(_ records: [ObjectRecord]) -> String? {
        for record in records {
            if let value = record.values.first {
                let origin = value.variables.first.map { variable -> String in
                    guard let source = variable.source else { return "\(variable.name) has no value in git" }
                    return variable.location.map { "\(variable.name) from \(source), \($0)" }
                        ?? "\(variable.name) from \(source)"
                }
                return "\(record.ref) takes \(value.field) from a variable (\(origin ?? value.written)): change the "
                    + "value where the variable is defined"
            }
            if let build = record.build, build.contains("fix cannot edit") {
                return "\(record.ref) gets its addresses from an inline or JSON kustomize patch (\(build)): edit "
                    + "the patch by hand"
            }
        }
        return nil
    }
}
