import Manifests
import Secrets

/// Where the variables of one build come from, in the order that decides: the Flux
/// Kustomization's `postBuild.substitute`, then its `substituteFrom` ConfigMaps and Secrets found in
/// the same commit (a later one overrides an earlier one, as in Flux), then `--vars` files, then
/// (with `--vars-from-cluster`) the `substituteFrom` objects git does not hold, read from the cluster.
struct VariableScope {
    /// The Flux Kustomization, or `nil` for files no Flux Kustomization builds (only `--vars` apply).
    var flux: FluxKustomization?
    /// `substituteFrom`, each with the source found in git (or `nil`).
    var references: [(reference: FluxKustomization.Reference, source: VariableSource?)]
    var files: [VariableFile]
    /// `substituteFrom` references git does not hold readably, with what the cluster answered
    /// (`nil` when the cluster was not asked).
    var cluster: [(reference: FluxKustomization.Reference, answer: ClusterVariableSource?)] = []

    var isEmpty: Bool { flux == nil && files.isEmpty }

    /// A variable's value and where it came from.
    func resolve(_ name: String) -> (value: String, origin: VariableOrigin)? {
        if let flux, let inline = flux.substitute[name] {
            return (
                inline.value,
                VariableOrigin(
                    name: name, source: "Flux Kustomization \(flux.id) (postBuild.substitute)",
                    location: "\(flux.file):\(inline.line)")
            )
        }
        for (reference, source) in references.reversed() {
            guard let source, !source.isEncrypted, let entry = source.values[name] else { continue }
            return (
                entry.value.revealText(),
                VariableOrigin(
                    name: name, source: "\(reference.kind) \(reference.name)", location: "\(source.file):\(entry.line)",
                    isSecret: source.kind == .secret)
            )
        }
        for file in files {
            if let value = file.values[name] {
                return (value, VariableOrigin(name: name, source: "--vars \(file.path)"))
            }
        }
        for (reference, answer) in cluster.reversed() {
            guard let answer, let value = answer.values?[name] else { continue }
            return (
                VariableSource.oneLine(value),
                VariableOrigin(
                    name: name, source: "\(answer.request.title) (read from the cluster)",
                    isSecret: reference.kind == VariableSource.Kind.secret.rawValue)
            )
        }
        return nil
    }

    /// Why a variable has no value, and what to do.
    func hint(for name: String) -> String {
        guard let flux else {
            return "no Flux Kustomization in this repository substitutes variables into this file; pass --vars FILE"
        }
        var elsewhere: [String] = []
        var asked = false
        for (reference, source) in references {
            let title = "\(reference.kind) \(reference.name)"
            var place: String
            if let source {
                guard source.isEncrypted else { continue }
                place = "\(title) (SOPS-encrypted in \(source.file)"
            } else {
                place = "\(title) (not in git"
            }
            if let answer = cluster.first(where: { $0.reference == reference })?.answer {
                asked = true
                switch answer.answer {
                case .values: place += "; in the cluster without \(name)"
                case .notFound: place += "; not in the cluster either"
                case .failed(let why): place += "; not read from the cluster: \(why)"
                }
            }
            elsewhere.append(place + ")")
        }
        if !elsewhere.isEmpty {
            return "Flux Kustomization \(flux.id) takes it from " + elsewhere.joined(separator: " or ")
                + (asked
                    ? ": pass --vars FILE with \(name)" : ": pass --vars FILE with \(name), or --vars-from-cluster")
        }
        return "not defined by Flux Kustomization \(flux.id) (postBuild) or anything it reads; Flux substitutes an "
            + "empty string, which the API server rejects here"
    }
}
