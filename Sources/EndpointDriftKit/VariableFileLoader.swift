import DesiredState
import FileIO

/// Reads `--vars` files and a cluster entry's `vars:` (YAML, JSON or dotenv; pipes too).
public enum VariableFileLoader {
    public static func load(_ path: String, for owner: String = "--vars") throws(RunError) -> VariableFile {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(path)
        } catch {
            throw RunError(
                operation: "read variables", subject: path, message: "\(owner): cannot read the file: \(error)")
        }
        do {
            return try VariableFile.parse(String(decoding: bytes, as: UTF8.self), path: path)
        } catch {
            throw RunError(operation: "read variables", subject: path, message: "\(owner): \(error.message)")
        }
    }
}
