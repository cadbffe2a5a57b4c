import FileIO
import Foundation

/// Short, path-naming messages for file errors, instead of Foundation's long localized sentences.
enum FileErrors {
    static func describe(_ error: any Error, path: String) -> String {
        let nsError = error as NSError
        if let posix = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return posixMessage(Int32(posix.code), path: path)
        }
        if nsError.domain == NSCocoaErrorDomain {
            switch nsError.code {
            case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "\(path) does not exist"
            case NSFileReadNoPermissionError: return "\(path) cannot be read (permission denied)"
            case NSFileReadInapplicableStringEncodingError: return "\(path) is not UTF-8 text"
            default: break
            }
        }
        if nsError.domain == NSPOSIXErrorDomain { return posixMessage(Int32(nsError.code), path: path) }
        return "\(path) cannot be read"
    }

    private static func posixMessage(_ code: Int32, path: String) -> String {
        switch code {
        case ENOENT: "\(path) does not exist"
        case EACCES: "\(path) cannot be read (permission denied)"
        case EISDIR: "\(path) is a folder, not a file"
        default: "\(path) cannot be read (\(String(cString: strerror(code))))"
        }
    }

    /// Reads a whole file, pipe or device (`InputFile`), with `describe`'s messages.
    static func read(_ path: String, limit: Int = InputFile.standardLimit) throws(FileReadError) -> [UInt8] {
        do {
            return try InputFile.read(path, limit: limit)
        } catch {
            throw FileReadError(message: error.message)
        }
    }
}

/// A file that could not be read; `message` names the path.
struct FileReadError: Error {
    let message: String
}
