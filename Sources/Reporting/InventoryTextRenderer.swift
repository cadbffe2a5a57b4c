import Manifests

/// The human form of an inventory: one block per Service, backends aligned, then notes and errors.
public struct InventoryTextRenderer: Sendable {
    let style: TextStyle

    public init(color: Bool) { style = TextStyle(enabled: color) }

    public func render(_ document: InventoryDocument) -> String {
        var lines: [String] = []
        let entries = document.inventory.entries
        let backendCount = entries.reduce(0) { $0 + $1.backends.count }
        switch document.origin {
        case .git(let repository, let revision, let commit, let summary):
            lines.append(
                style.bold("Desired state") + " from \(repository) at \(revision) (\(commit.prefix(7)) \(summary))")
        case .live(let source, let observedAt):
            lines.append(style.bold("Live state") + " from \(source) at \(observedAt)")
        }
        let namespaces = Set(entries.map(\.key.namespace)).count
        lines.append(
            "\(entries.count) service\(entries.count == 1 ? "" : "s") in \(namespaces) namespace\(namespaces == 1 ? "" : "s"), "
                + "\(backendCount) backend\(backendCount == 1 ? "" : "s")")
        for entry in entries {
            lines.append("")
            lines.append(header(entry))
            let backends = entry.backends.backends
            let width = backends.map { $0.key.description.count }.max() ?? 0
            for backend in backends {
                var line = "  " + TextStyle.pad(backend.key.description, width)
                line += backend.ready ? "  ready" : "  " + style.yellow("not ready")
                if let app = backend.appProtocol { line += "  appProtocol=\(app)" }
                lines.append(line)
            }
            if backends.isEmpty { lines.append("  " + style.dim("(no backends)")) }
            for record in entry.records {
                lines.append("  " + style.dim(sourceLine(record)))
                for value in record.values { lines.append("    " + style.dim(Self.valueLine(value))) }
            }
        }
        if !document.inventory.unlinked.isEmpty {
            lines.append("")
            lines.append(style.bold("EndpointSlices without a kubernetes.io/service-name label"))
            for record in document.inventory.unlinked { lines.append("  " + sourceLine(record)) }
        }
        if !document.notes.isEmpty {
            lines.append("")
            lines.append(style.bold("Notes") + " (\(document.notes.count), skipped on purpose)")
            for note in document.notes { lines.append("  " + note.located) }
        }
        if !document.errors.isEmpty {
            lines.append("")
            lines.append(style.red(style.bold("Errors")) + " (\(document.errors.count))")
            for error in document.errors { lines.append("  " + error.located) }
        }
        return SafeText.terminalLines(lines) + "\n"
    }

    private func header(_ entry: ServiceInventory.Entry) -> String {
        var text = style.bold(entry.key.description) + "  " + entry.backing.rawValue
        if let record = entry.service, case .service(let service) = record.object {
            if service.isExternalName {
                text += "  ExternalName \(service.externalName ?? "")"
            } else if service.hasSelector {
                text += "  (selector)"
            }
            if !service.ports.isEmpty {
                text +=
                    "  ports "
                    + service.ports.map { ($0.name.isEmpty ? "" : "\($0.name)=") + "\($0.port)/\($0.protocol)" }.joined(
                        separator: ",")
            }
        } else {
            text += "  " + style.yellow("(no Service)")
        }
        return text
    }

    /// `ip from ${NAS_IP} = 192.0.2.10 (ConfigMap cluster-settings, kubernetes/flux/vars/cluster-settings.yaml:7)`.
    static func valueLine(_ value: ValueOrigin) -> String {
        let name = value.field.split(separator: ".").last.map(String.init) ?? value.field
        var text = "\(name) from \(value.written)"
        if let result = value.value {
            text += " = \(result)"
        } else if value.variables.contains(where: \.isSecret) && !value.isUnresolved {
            text += " = <secret>"
        } else {
            text += " = unresolved"
        }
        let origins = value.variables.map { variable -> String in
            guard let source = variable.source else { return "\(variable.name): \(variable.hint ?? "no value")" }
            return variable.location.map { "\(source), \($0)" } ?? source
        }
        if !origins.isEmpty { text += " (" + origins.joined(separator: "; ") + ")" }
        return text + "  \(value.path):\(value.line)"
    }

    private func sourceLine(_ record: ObjectRecord) -> String {
        var text = "\(record.ref.kind.rawValue) \(record.ref.name)"
        if let source = record.source {
            text += "  \(source.path):\(source.line)"
            if let rule = record.namespaceRule, rule != .metadata { text += "  (\(rule.explanation))" }
            if let build = record.build { text += "  built by \(build)" }
        } else {
            if let version = record.object.metadata.resourceVersion { text += "  resourceVersion \(version)" }
            if case .endpointSlice(let slice) = record.object, let managedBy = slice.managedBy {
                text += "  managed-by \(managedBy)"
            }
        }
        return text
    }
}
