import Manifests
import Remediation
import Reporting

/// The machine-readable `fix` report (`-o json`): every edit with file, line range, before and after.
enum FixJSON {
    static func value(_ report: FixReport) -> StructuredValue {
        var members: [(String, StructuredValue)] = [
            ("direction", .string(report.direction.rawValue)),
            ("repository", .string(report.repositoryPath)),
            ("revision", .string(report.revision)),
            ("commit", .string(report.commitID)),
            ("live", .object([("source", .string(report.liveSource)), ("observedAt", .string(report.observedAt))])),
            ("dryRun", .bool(report.dryRun)),
            ("unreadNamespaces", .array(report.unreadNamespaces.map(StructuredValue.string))),
            ("exitCode", .int(Int(report.status.rawValue))),
            ("services", .array(report.services.map(service))),
            (
                "files",
                .array(
                    report.files.map { file in
                        .object([
                            ("path", .string(file.path)),
                            (
                                "status",
                                .string(file.original == nil ? "added" : file.edited == nil ? "deleted" : "modified")
                            ),
                        ])
                    })
            ),
            ("edits", .array(report.files.flatMap(edits))),
            ("next", .array(report.nextCommands.map(StructuredValue.string))),
        ]
        var outputs: [(String, StructuredValue)] = [
            ("written", .array(report.written.map(StructuredValue.string))),
            ("outDirectory", .optional(report.outDirectory)),
            ("patch", .optional(report.patchFile)),
            ("formatPatch", .optional(report.formatPatchFile)),
        ]
        if let commit = report.commit {
            outputs.append(
                (
                    "commit",
                    .object([
                        ("id", .string(commit.id)), ("parent", .string(commit.parent)),
                        ("branch", .optional(commit.branch)),
                        ("message", .string(commit.message)),
                    ])
                ))
        }
        if report.direction == .git {
            outputs.append(("apply", .array(report.apply.map { .string($0.ref.description) })))
            outputs.append(("applyFiles", .array(report.applyFiles.map(StructuredValue.string))))
        }
        members.append(("outputs", .object(outputs)))
        return .object(members)
    }

    private static func service(_ outcome: FixApplier.ServiceOutcome) -> StructuredValue {
        .object([
            ("service", .string(outcome.service.description)),
            ("status", .string(outcome.status.rawValue)),
            ("changes", .array(outcome.plan.changes.map(change))),
            (
                "portRewrites",
                .array(
                    outcome.plan.portRewrites.map {
                        .object([
                            ("object", .string($0.object.description)), ("from", .string($0.from.description)),
                            ("to", .string($0.to.description)),
                        ])
                    })
            ),
            ("removed", .array(outcome.plan.removals.map { .string($0.ref.description) })),
            ("added", .array(outcome.plan.newObjects.map { .string($0.ref.description) })),
            ("reasons", .array(outcome.reasons.map(StructuredValue.string))),
        ])
    }

    private static func change(_ change: BackendChange) -> StructuredValue {
        var members: [(String, StructuredValue)] = [
            ("backend", .string(change.key.description)),
            ("address", .string(change.key.address)),
            ("port", .optional(change.key.port)),
            ("protocol", .string(change.key.protocol)),
            ("portName", .string(change.key.portName)),
        ]
        switch change.kind {
        case .onlyLive: members.append(("change", .string("only-live")))
        case .onlyGit: members.append(("change", .string("only-git")))
        case .readiness(let git, let live):
            members += [("change", .string("readiness")), ("gitReady", .bool(git)), ("liveReady", .bool(live))]
        case .appProtocol(let git, let live):
            members += [
                ("change", .string("app-protocol")), ("gitAppProtocol", .optional(git)),
                ("liveAppProtocol", .optional(live)),
            ]
        }
        return .object(members)
    }

    private static func edits(_ file: ManifestEditor.FileResult) -> [StructuredValue] {
        file.hunks.map { hunk in
            .object([
                ("file", .string(file.path)),
                ("startLine", .int(hunk.startLine)),
                ("endLine", .int(hunk.endLine)),
                ("before", .string(hunk.before)),
                ("after", .string(hunk.after)),
            ])
        }
    }
}
