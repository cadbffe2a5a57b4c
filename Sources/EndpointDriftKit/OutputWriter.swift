import FileIO
import Foundation

/// Sends rendered reports to stdout or, atomically, to files.
public enum OutputWriter {
    /// Writes each rendered output; stdout ones in order. Throws on the first file that cannot be written.
    public static func emit(_ outputs: [(target: OutputTarget, text: String)]) throws(RunError) {
        for (target, text) in outputs {
            if let file = target.file {
                do {
                    try AtomicFile.write(SecretMask.apply(text), to: file)
                } catch {
                    throw RunError(operation: "write", subject: file, message: error.message)
                }
            } else {
                try StandardStreams.emit(text)
            }
        }
    }
}

extension OutputWriter {
    /// Appends to a file that others append to as well (`GITHUB_STEP_SUMMARY`), creating it if needed.
    public static func append(_ text: String, to path: String) throws(RunError) {
        guard let handle = FileHandle(forWritingAtPath: path) ?? create(path) else {
            throw RunError(operation: "append to", subject: path, message: "cannot open the file for writing")
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(SecretMask.apply(text).utf8))
        } catch {
            throw RunError(operation: "append to", subject: path, message: "\(error.localizedDescription)")
        }
    }

    private static func create(_ path: String) -> FileHandle? {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
        return FileHandle(forWritingAtPath: path)
    }
}
