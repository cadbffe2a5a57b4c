import Foundation

/// Writes files so that readers see the old content or the new, never a part: the data goes to a
/// temporary file in the same folder (same file system), is flushed, then renamed over the target.
/// Only regular files (and new paths) are replaced so; devices and FIFOs are written in place, and
/// symbolic links are followed (`OutputPath`).
public enum AtomicFile {
    /// The one error of this module: which step failed on which path.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        /// `write`, `stage`, `rename`, `delete`, `create folder`…
        public var operation: String = "write"
        public let path: String
        public let message: String
        public var description: String { "cannot \(operation) \(path): \(message)" }

        public init(operation: String = "write", path: String, message: String) {
            self.operation = operation
            self.path = path
            self.message = message
        }
    }

    /// Writes `data` to `path`, creating missing folders. Keeps an existing file's permissions; a
    /// new file gets the mode any new file gets (umask applied).
    public static func write(_ data: Data, to path: String) throws(WriteError) {
        let (target, kind) = try OutputPath.resolve(path)
        if kind == .stream {
            try OutputPath.writeInPlace(data, to: target, name: path)
            return
        }
        let url = URL(fileURLWithPath: target)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: path, message: "cannot create folder \(folder.path): \(error.localizedDescription)")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
            .path
        try OutputPath.writeTemporary(data, to: temporary, name: path)
        if kind == .regular { OutputPath.keepMode(of: target, on: temporary) }
        guard rename(temporary, target) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, message: message)
        }
    }

    public static func write(_ text: String, to path: String) throws(WriteError) {
        try write(Data(text.utf8), to: path)
    }
}
