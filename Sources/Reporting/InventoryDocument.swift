import Manifests
import Scanner

/// What `scan` (desired state, from git) and `live` (from the cluster) print: services with their
/// backends and sources, plus the notes and errors met on the way. One shape for both sides.
public struct InventoryDocument: Sendable {
    /// Where the objects came from.
    public enum Origin: Sendable {
        case git(repository: String, revision: String, commit: String, summary: String)
        case live(source: String, observedAt: String)
    }

    /// A note or an error, located where possible.
    public struct Message: Sendable, Hashable {
        public var path: String?
        public var line: Int?
        public var column: Int?
        public var kind: String
        public var message: String

        public init(path: String? = nil, line: Int? = nil, column: Int? = nil, kind: String, message: String) {
            self.path = path
            self.line = line
            self.column = column
            self.kind = kind
            self.message = message
        }

        public init(_ note: ScanNote) {
            self.init(path: note.path, line: note.line, kind: note.reason.rawValue, message: note.message)
        }

        public init(_ error: ManifestError) {
            self.init(
                path: error.path.isEmpty ? nil : error.path, line: error.line > 0 ? error.line : nil,
                column: error.column > 0 ? error.column : nil, kind: "\(error.kind)", message: error.message)
        }

        /// `path:line:column: message`, or just the message.
        public var located: String {
            var location = path ?? ""
            if let line { location += ":\(line)" }
            if let column, line != nil { location += ":\(column)" }
            return location.isEmpty ? message : "\(location): \(message)"
        }
    }

    public var origin: Origin
    public var inventory: ServiceInventory
    public var notes: [Message]
    public var errors: [Message]
    /// Extra counters shown in JSON (`stats`).
    public var stats: [(String, Int)]

    public init(
        origin: Origin, inventory: ServiceInventory, notes: [Message] = [], errors: [Message] = [],
        stats: [(String, Int)] = []
    ) {
        self.origin = origin
        self.inventory = inventory
        self.notes = notes
        self.errors = errors
        self.stats = stats
    }

    /// The inventory of a scan.
    public init(scan: ScanResult) {
        self.init(
            origin: .git(
                repository: scan.repositoryPath, revision: scan.revision, commit: scan.commitID,
                summary: scan.commitSummary),
            inventory: scan.inventory,
            notes: scan.notes.map(Message.init),
            errors: scan.errors.map(Message.init),
            stats: [
                ("filesInTree", scan.stats.filesInTree), ("filesSelected", scan.stats.filesSelected),
                ("filesRead", scan.stats.filesRead), ("bytesRead", scan.stats.bytesRead),
                ("documentsParsed", scan.stats.documentsParsed), ("documentsSkipped", scan.stats.documentsSkipped),
            ])
    }
}
