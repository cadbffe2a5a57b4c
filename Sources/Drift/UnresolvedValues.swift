import Manifests

/// `unresolved-variable` findings: one per value of git that still holds a Flux variable or an
/// argocd-vault-plugin placeholder after the desired state was built, saying where the value would
/// come from and, in a check, what the cluster serves in its place.
enum UnresolvedValues {
    static func findings(
        records: [ObjectRecord], uncomparable: [UncomparableObject],
        placeholderValues: [ServiceKey: [String: [String]]]
    ) -> [Finding] {
        var findings: [Finding] = []
        for record in records {
            for value in record.values where value.isUnresolved {
                let live = record.serviceKey.flatMap { placeholderValues[$0]?[value.written] } ?? []
                findings.append(
                    finding(value, service: record.serviceKey, object: record.ref, source: record.source, live: live))
            }
        }
        for object in uncomparable {
            for value in object.values {
                findings.append(
                    finding(
                        value, service: object.service, object: object.ref, source: object.source, live: [],
                        notCompared: true))
            }
        }
        return findings
    }

    private static func finding(
        _ value: ValueOrigin, service: ServiceKey?, object: ObjectRef, source: SourceLocation?, live: [String],
        notCompared: Bool = false
    ) -> Finding {
        var location = source ?? SourceLocation(path: value.path, line: value.line)
        location.path = value.path
        location.line = value.line
        location.column = 1
        let missing = value.variables.filter { !$0.isResolved }
        var message = "\(value.field) is \(value.written): "
        message += missing.map { variable in
            "\(variable.name) has no value (\(variable.hint ?? "not defined"))"
        }.joined(separator: "; ")
        if !live.isEmpty {
            message += "; the cluster serves \(live.joined(separator: ", ")) there"
        }
        if notCompared, let service {
            message += "; Service \(service) is not compared"
        }
        return Finding(
            type: .unresolvedVariable, service: service, object: object, address: value.written, source: location,
            message: message)
    }
}
