import Foundation
import Manifests
import Remediation

/// `fix --to live` for addresses written as Flux variables: the value is changed where the variable
/// is defined in git (a ConfigMap's `data`, or the Flux Kustomization's `postBuild.substitute`),
/// never in the manifest, whose `${NAS_IP}` must stay. Only when every use of the variable agrees
/// with the change; a variable from a Secret, `--vars` or a default is left with where to change it.
struct VariableFix {
    /// One definition to change.
    struct Edit: Sendable, Hashable {
        var service: ServiceKey
        var variable: String
        /// Where the value is defined.
        var path: String
        var line: Int
        var old: String
        var new: String
        var source: String
    }

    /// The edits for a planned service, or why it is left as it is; `nil` when none of its values
    /// comes from a variable.
    static func edits(
        for plan: ServicePlan, entry: ServiceInventory.Entry, allRecords: [ObjectRecord]
    ) -> Result<[Edit], Refusal>? {
        let values = entry.records.flatMap(\.values)
        guard !values.isEmpty else { return nil }
        var removed: [String: Set<String>] = [:]  // address → port specs
        var added: [String: Set<String>] = [:]
        // A placeholder git cannot resolve stands for some live address on its ports: not a change to
        // make, but it makes the other live addresses on those ports ambiguous.
        var placeholderPorts: Set<String> = []
        for change in plan.changes {
            let port = "\(change.key.port.map(String.init) ?? "-")/\(change.key.protocol)/\(change.key.portName)"
            switch change.kind {
            case .onlyGit where Placeholder.occurs(in: change.key.address): placeholderPorts.insert(port)
            case .onlyGit: removed[change.key.address, default: []].insert(port)
            case .onlyLive: added[change.key.address, default: []].insert(port)
            default: return .failure(Refusal("its readiness or appProtocol differs too"))
            }
        }
        var edits: [Edit] = []
        var used: Set<String> = []
        for (address, ports) in removed.sorted(by: { $0.key < $1.key }) {
            guard
                let value = values.first(where: { $0.value == address && $0.isAddress }),
                value.variables.count == 1, let variable = value.variables.first
            else {
                return .failure(Refusal("\(address) is not written as one variable"))
            }
            guard let source = variable.source, let location = variable.location, !variable.isSecret,
                source.hasPrefix("ConfigMap ") || source.hasPrefix("Flux Kustomization ")
            else {
                return .failure(
                    Refusal(
                        "\(address) comes from \(variable.name) (\(variable.source ?? variable.hint ?? "no value")"
                            + "\(variable.location.map { ", \($0)" } ?? "")): change it there"))
            }
            let candidates = added.filter { $0.value == ports && !used.contains($0.key) }.map(\.key).sorted()
            guard candidates.count == 1, let replacement = candidates.first else {
                let shown = candidates.isEmpty ? "" : " (it serves \(candidates.joined(separator: ", ")))"
                return .failure(
                    Refusal(
                        "the cluster does not serve exactly one other address in place of \(address)\(shown): change "
                            + "\(variable.name) (\(location)) by hand"))
            }
            used.insert(replacement)
            // Every use of the definition must want the same change.
            for record in allRecords {
                for other in record.values where other.variables.contains(where: { $0.location == location }) {
                    guard record.serviceKey == plan.service, other.value == address, other.isAddress
                    else {
                        return .failure(
                            Refusal(
                                "\(variable.name) (\(location)) is also used by \(record.ref) \(other.field): change it "
                                    + "by hand"))
                    }
                }
            }
            let parts = location.split(separator: ":")
            guard parts.count >= 2, let line = Int(parts[parts.count - 1]) else {
                return .failure(Refusal("no line for \(variable.name)"))
            }
            edits.append(
                Edit(
                    service: plan.service, variable: variable.name, path: parts.dropLast().joined(separator: ":"),
                    line: line, old: address, new: replacement, source: source))
        }
        let unexplained = added.filter { !used.contains($0.key) && !$0.value.isSubset(of: placeholderPorts) }
        guard unexplained.isEmpty else {
            return .failure(Refusal("the cluster serves more addresses than git's variables can hold"))
        }
        return .success(edits)
    }

    /// Why a service is left as it is.
    struct Refusal: Error, Sendable, Hashable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The definition files with their values changed; an edit whose line does not hold the old
    /// value exactly once is refused (returned in `failed`).
    static func apply(
        _ edits: [Edit], readFile: (String) -> [UInt8]?
    ) -> (
        files: [ManifestEditor.FileResult], failed: [Edit]
    ) {
        var files: [ManifestEditor.FileResult] = []
        var failed: [Edit] = []
        for (path, group) in Dictionary(grouping: edits, by: \.path).sorted(by: { $0.key < $1.key }) {
            guard let original = readFile(path) else {
                failed += group
                continue
            }
            var lines = String(decoding: original, as: UTF8.self).split(
                separator: "\n", omittingEmptySubsequences: false
            )
            .map(String.init)
            var hunks: [EditHunk] = []
            for edit in group.sorted(by: { $0.line < $1.line }) {
                let index = edit.line - 1
                guard lines.indices.contains(index), let colon = lines[index].firstIndex(of: ":") else {
                    failed.append(edit)
                    continue
                }
                let before = lines[index]
                let value = before[before.index(after: colon)...]
                guard value.components(separatedBy: edit.old).count == 2 else {
                    failed.append(edit)
                    continue
                }
                let after = String(before[...colon]) + value.replacingOccurrences(of: edit.old, with: edit.new)
                lines[index] = after
                hunks.append(
                    EditHunk(startLine: edit.line, endLine: edit.line, before: before + "\n", after: after + "\n"))
            }
            guard !hunks.isEmpty else { continue }
            files.append(
                ManifestEditor.FileResult(
                    path: path, original: original, edited: Array(lines.joined(separator: "\n").utf8), hunks: hunks))
        }
        return (files, failed)
    }
}
