import Foundation

/// Reads a whole input file with `read(2)`, so that whatever can be read is read: a regular file, a
/// FIFO or process substitution (`<(kubectl get …)`), `/dev/stdin`, a character device. Refused only
/// for a real reason, with that reason: it does not exist, permission denied, a folder, or larger
/// than `limit` (read no further than that).
public enum InputFile {
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        /// Names the path.
        public let message: String
        public var description: String { message }
    }

    /// The standard bound: far above any kubeconfig, token or configuration file.
    public static let standardLimit = 64 << 20

    public static func read(_ path: String, limit: Int = standardLimit) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { throw ReadError(message: message(errno, path: path)) }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw ReadError(message: message(EISDIR, path: path))
        }
        if info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) > limit {
            throw ReadError(message: tooLarge(path, limit: limit))
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = Foundation.read(descriptor, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw ReadError(message: message(errno, path: path))
            }
            if count == 0 { return bytes }
            guard bytes.count + count <= limit else { throw ReadError(message: tooLarge(path, limit: limit)) }
            bytes += buffer[0..<count]
        }
    }

    /// `path does not exist`, `path cannot be read (permission denied)`, …
    public static func message(_ code: Int32, path: String) -> String {
        switch code {
        case ENOENT: "\(path) does not exist"
        case EACCES: "\(path) cannot be read (permission denied)"
        case EISDIR: "\(path) is a folder, not a file"
        default: "\(path) cannot be read (\(String(cString: strerror(code))))"
        }
    }

    private static func tooLarge(_ path: String, limit: Int) -> String {
        "\(path) is larger than \(limit >> 20) MiB; that is not a file this tool reads"
    }
}
