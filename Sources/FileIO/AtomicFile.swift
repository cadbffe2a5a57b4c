import Foundation

/// Writes files so that readers see the old content or the new, never a part: the data goes to a
/// temporary file in the same folder (same file system), is flushed, then renamed over the target.
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

    /// Writes `data` to `path`, creating missing folders. Keeps an existing file's permissions.
    public static func write(_ data: Data, to path: String) throws(WriteError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: path, message: "cannot create folder \(folder.path): \(error.localizedDescription)")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        guard manager.createFile(atPath: temporary.path, contents: nil) else {
            throw WriteError(path: path, message: "cannot create a temporary file in \(folder.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if let attributes = try? manager.attributesOfItem(atPath: path), let mode = attributes[.posixPermissions] {
                try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary.path)
            }
            guard rename(temporary.path, path) == 0 else {
                throw WriteError(path: path, message: String(cString: strerror(errno)))
            }
        } catch let error as WriteError {
            try? manager.removeItem(at: temporary)
            throw error
        } catch {
            try? manager.removeItem(at: temporary)
            throw WriteError(path: path, message: error.localizedDescription)
        }
    }

    public static func write(_ text: String, to path: String) throws(WriteError) {
        try write(Data(text.utf8), to: path)
    }
}
