import Manifests

/// The documented machine shape of an inventory (docs/scan-json.md). Bump `schemaVersion` on any
/// change that removes or renames a field.
public enum InventoryJSON {
    public static let schemaVersion = 1

    public static func value(_ document: InventoryDocument) -> StructuredValue {
        var members: [(String, StructuredValue)] = [
            ("schemaVersion", .int(schemaVersion)),
            ("services", .array(document.inventory.entries.map(service))),
            ("unlinked", .array(document.inventory.unlinked.map(source))),
            ("notes", .array(document.notes.map(message))),
            ("errors", .array(document.errors.map(message))),
            ("stats", .object(document.stats.map { ($0.0, .int($0.1)) })),
        ]
        switch document.origin {
        case .git(let repository, let revision, let commit, _):
            members.append(
                (
                    "source",
                    .object([
                        ("kind", .string("git")), ("repository", .string(repository)), ("revision", .string(revision)),
                        ("commit", .string(commit)),
                    ])
                ))
        case .live(let source, let observedAt):
            members.append(
                (
                    "source",
                    .object([
                        ("kind", .string("live")), ("cluster", .string(source)), ("observedAt", .string(observedAt)),
                    ])
                ))
        }
        return .object(members)
    }

    static func service(_ entry: ServiceInventory.Entry) -> StructuredValue {
        var serviceValue = StructuredValue.null
        if let record = entry.service, case .service(let service) = record.object {
            serviceValue = .compactObject([
                ("type", .string(service.type)),
                ("externalName", .optional(service.externalName)),
                ("hasSelector", .bool(service.hasSelector)),
                (
                    "ports",
                    .array(
                        service.ports.map { port in
                            .compactObject([
                                ("name", .string(port.name)), ("port", .int(port.port)),
                                ("protocol", .string(port.protocol)),
                                ("appProtocol", .optional(port.appProtocol)),
                            ])
                        })
                ),
            ])
        }
        return .object([
            ("namespace", .string(entry.key.namespace)),
            ("name", .string(entry.key.name)),
            ("backing", .string(entry.backing.rawValue)),
            ("service", serviceValue),
            ("backends", .array(entry.backends.backends.map(backend))),
            ("sources", .array(entry.records.map(source))),
        ])
    }

    public static func backend(_ backend: Backend) -> StructuredValue {
        .compactObject([
            ("address", .string(backend.address)),
            ("port", .optional(backend.port)),
            ("protocol", .string(backend.protocol)),
            ("portName", .string(backend.portName)),
            ("appProtocol", .optional(backend.appProtocol)),
            ("ready", .bool(backend.ready)),
        ])
    }

    static func source(_ record: ObjectRecord) -> StructuredValue {
        var members: [(String, StructuredValue)] = [
            ("kind", .string(record.ref.kind.rawValue)),
            ("namespace", .string(record.ref.namespace)),
            ("name", .string(record.ref.name)),
        ]
        if let source = record.source {
            members += [
                ("path", .string(source.path)), ("line", .int(source.line)),
                ("documentIndex", .int(source.documentIndex)),
                ("blob", .string(source.blobID)),
            ]
            if let item = source.itemIndex { members.append(("itemIndex", .int(item))) }
        }
        if let rule = record.namespaceRule {
            members.append(("namespaceRule", .string(rule.name)))
            if case .kustomization(let path) = rule { members.append(("kustomization", .string(path))) }
            if rule != .metadata && rule != .defaultNamespace {
                members.append(("namespaceFrom", .string(rule.explanation)))
            }
        }
        if let build = record.build { members.append(("build", .string(build))) }
        if !record.values.isEmpty { members.append(("values", .array(record.values.map(value)))) }
        let metadata = record.object.metadata
        if let version = metadata.resourceVersion { members.append(("resourceVersion", .string(version))) }
        if case .endpointSlice(let slice) = record.object {
            members.append(("addressType", .string(slice.addressType)))
            members.append(("managedBy", .optional(slice.managedBy)))
            members.append(("mirrored", .bool(slice.isMirrored)))
        }
        return .compactObject(members)
    }

    /// How one value was decided: the placeholder as written, the value (never a secret's), the variables.
    static func value(_ value: ValueOrigin) -> StructuredValue {
        .compactObject([
            ("field", .string(value.field)), ("path", .string(value.path)), ("line", .int(value.line)),
            ("written", .string(value.written)), ("value", .optional(value.value)),
            ("resolved", .bool(!value.isUnresolved)),
            (
                "variables",
                .array(
                    value.variables.map { variable in
                        .compactObject([
                            ("name", .string(variable.name)), ("source", .optional(variable.source)),
                            ("location", .optional(variable.location)), ("secret", .bool(variable.isSecret)),
                            ("hint", .optional(variable.hint)),
                        ])
                    })
            ),
        ])
    }

    static func message(_ message: InventoryDocument.Message) -> StructuredValue {
        .compactObject([
            ("path", .optional(message.path)), ("line", .optional(message.line)), ("column", .optional(message.column)),
            ("kind", .string(message.kind)), ("message", .string(message.message)),
        ])
    }
}
