import Foundation

/// Several file writes and deletions that take effect together or not at all.
///
/// `stage()` writes every new content to a temporary file beside its target (same folder, so the
/// final rename is atomic) and flushes it. `commit()` then swaps them in one by one, keeping a hard
/// link to each replaced or deleted file; if any step fails, everything already done is undone from
/// those links, the temporary files and the folders created for them are removed, and the error is
/// rethrown. `finish()` drops the links once the caller's other steps have succeeded too.
public final class FileTransaction {
    /// A point where tests can make the transaction fail (to prove that nothing is left half done).
    public enum FaultPoint: Sendable, Hashable {
        /// Before the `index`th file (0-based) is put in place.
        case beforeCommitting(index: Int, path: String)
    }

    public typealias FaultHook = @Sendable (FaultPoint) throws -> Void

    private enum Operation {
        case write(path: String, data: Data)
        case delete(path: String)

        var path: String {
            switch self {
            case .write(let path, _), .delete(let path): path
            }
        }
    }

    private struct Done {
        var path: String
        /// Hard link (or copy) of the file that was there before, if any.
        var backup: String?
    }

    private var operations: [Operation] = []
    private var temporaries: [String: String] = [:]
    private var createdFolders: [String] = []
    /// Where each written path really goes (a symbolic link's target).
    private var targets: [String: String] = [:]
    /// Devices and FIFOs, written in place at the end of `commit`.
    private var streams: [(path: String, target: String, data: Data)] = []
    private var done: [Done] = []
    private let faultHook: FaultHook?
    private let manager = FileManager.default

    public init(faultHook: FaultHook? = nil) { self.faultHook = faultHook }

    /// The paths the transaction writes or deletes, in order.
    public var paths: [String] { operations.map(\.path) }

    public func write(_ data: Data, to path: String) { operations.append(.write(path: path, data: data)) }

    public func delete(_ path: String) { operations.append(.delete(path: path)) }

    /// Writes every new content to a temporary file beside its target. A symbolic link's target is
    /// written, never the link; a character device or FIFO is left for `commit` to write in place.
    public func stage() throws(AtomicFile.WriteError) {
        do throws(AtomicFile.WriteError) {
            for operation in operations {
                guard case .write(let path, let data) = operation else { continue }
                let (target, kind): (String, OutputPath.Kind)
                do {
                    (target, kind) = try OutputPath.resolve(path)
                } catch {
                    throw AtomicFile.WriteError(operation: "stage", path: path, message: error.message)
                }
                targets[path] = target
                if kind == .stream {
                    streams.append((path, target, data))
                    continue
                }
                try createFolders(for: target)
                let temporary = Self.siblingName(target, suffix: "tmp")
                try OutputPath.writeTemporary(data, to: temporary, name: path, operation: "stage")
                temporaries[path] = temporary
                if kind == .regular { OutputPath.keepMode(of: target, on: temporary) }
            }
        } catch {
            rollback()
            throw error
        }
    }

    /// Puts every staged file in place (and deletes what is to be deleted); all or nothing, except
    /// that devices and FIFOs, written last, cannot be taken back once written.
    public func commit() throws(AtomicFile.WriteError) {
        do throws(AtomicFile.WriteError) {
            for (index, operation) in operations.enumerated() {
                do {
                    try faultHook?(.beforeCommitting(index: index, path: operation.path))
                } catch {
                    throw AtomicFile.WriteError(
                        operation: "commit", path: operation.path, message: "\(error)")
                }
                switch operation {
                case .write(let path, _):
                    guard let temporary = temporaries[path] else { continue }
                    let target = targets[path] ?? path
                    let backup = try backUp(target)
                    guard rename(temporary, target) == 0 else {
                        let message = String(cString: strerror(errno))
                        if let backup { try? manager.removeItem(atPath: backup) }
                        throw AtomicFile.WriteError(operation: "rename", path: path, message: message)
                    }
                    temporaries[path] = nil
                    done.append(Done(path: target, backup: backup))
                case .delete(let path):
                    let backup = try backUp(path)
                    guard backup != nil else { continue }
                    guard unlink(path) == 0 || errno == ENOENT else {
                        let message = String(cString: strerror(errno))
                        if let backup { try? manager.removeItem(atPath: backup) }
                        throw AtomicFile.WriteError(operation: "delete", path: path, message: message)
                    }
                    done.append(Done(path: path, backup: backup))
                }
            }
            for (path, target, data) in streams {
                try OutputPath.writeInPlace(data, to: target, name: path)
            }
            streams = []
        } catch {
            rollback()
            throw error
        }
    }

    /// Undoes everything: restores replaced and deleted files, removes new ones, temporary files and
    /// the folders made for them. Safe to call more than once.
    public func rollback() {
        for step in done.reversed() {
            if let backup = step.backup {
                _ = rename(backup, step.path)
            } else {
                _ = unlink(step.path)
            }
        }
        done = []
        for temporary in temporaries.values { _ = unlink(temporary) }
        temporaries = [:]
        for folder in createdFolders.reversed() { _ = rmdir(folder) }
        createdFolders = []
        streams = []
    }

    /// Drops the backups: the transaction can no longer be undone.
    public func finish() {
        for step in done { if let backup = step.backup { _ = unlink(backup) } }
        done = []
        createdFolders = []
    }

    // MARK: Helpers

    /// A hard link to the current file (a copy where links are not possible), or `nil` when there is none.
    private func backUp(_ path: String) throws(AtomicFile.WriteError) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let backup = Self.siblingName(path, suffix: "bak")
        if link(path, backup) == 0 { return backup }
        do {
            try manager.copyItem(atPath: path, toPath: backup)
        } catch {
            throw AtomicFile.WriteError(operation: "back up", path: path, message: error.localizedDescription)
        }
        return backup
    }

    private func createFolders(for path: String) throws(AtomicFile.WriteError) {
        var missing: [String] = []
        // Standardized first: the parent of `a/..` is `a/../..`, and the walk up would never end.
        var components = URL(fileURLWithPath: path).standardizedFileURL.pathComponents.dropLast()
        var isFolder: ObjCBool = false
        while components.count > 1 {
            let folder = "/" + components.dropFirst().joined(separator: "/")
            if manager.fileExists(atPath: folder, isDirectory: &isFolder) { break }
            missing.append(folder)
            components = components.dropLast()
        }
        for folder in missing.reversed() {
            guard mkdir(folder, 0o777) == 0 || errno == EEXIST else {
                throw AtomicFile.WriteError(
                    operation: "create folder", path: folder, message: String(cString: strerror(errno)))
            }
            createdFolders.append(folder)
        }
    }

    /// `.name.1a2b3c4d.tmp` beside `path`: hidden, and unique per run.
    static func siblingName(_ path: String, suffix: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).\(suffix)"
        ).path
    }
}
