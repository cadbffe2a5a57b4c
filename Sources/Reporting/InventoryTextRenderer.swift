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

    private func sourceLine(_ record: ObjectRecord) -> String {
        var text = "\(record.ref.kind.rawValue) \(record.ref.name)"
        if let source = record.source {
            text += "  \(source.path):\(source.line)"
            if case .kustomization(let path) = record.namespaceRule { text += "  (namespace from \(path))" }
            if record.namespaceRule == .defaultNamespace { text += "  (default namespace)" }
        } else {
            if let version = record.object.metadata.resourceVersion { text += "  resourceVersion \(version)" }
            if case .endpointSlice(let slice) = record.object, let managedBy = slice.managedBy {
                text += "  managed-by \(managedBy)"
            }
        }
        return text
    }
}
