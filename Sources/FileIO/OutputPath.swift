import Foundation

/// What is at an output path, and so how it may be written: a regular file (or nothing yet) is
/// replaced atomically; a character device (`/dev/null`, `/dev/full`, a terminal) or a FIFO
/// (`>(…)`) is written in place, since renaming over it would replace the device node or the pipe;
/// anything else is refused. A symbolic link is followed, never replaced.
public enum OutputPath {
    public enum Kind: Sendable, Hashable {
        /// Nothing there yet: a new file, with the mode a new file gets (umask applied).
        case new
        /// A regular file: replaced atomically, keeping its permissions.
        case regular
        /// A character device or FIFO: opened and written in place.
        case stream
    }

    /// Where to write for `path` (a symbolic link's target, resolved) and how.
    public static func resolve(_ path: String) throws(AtomicFile.WriteError) -> (path: String, kind: Kind) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            // Lexically standardized: the kernel cannot walk `a/..` before `a` exists.
            if errno == ENOENT { return (URL(fileURLWithPath: path).standardizedFileURL.path, .new) }
            throw AtomicFile.WriteError(path: path, message: String(cString: strerror(errno)))
        }
        var target = path
        if info.st_mode & S_IFMT == S_IFLNK {
            // Write where the link points, and leave the link itself alone.
            guard let resolved = realpath(path, nil) else {
                throw AtomicFile.WriteError(
                    path: path,
                    message:
                        "it is a symbolic link to a missing file (\(String(cString: strerror(errno)))); it is not replaced"
                )
            }
            target = String(cString: resolved)
            free(resolved)
            guard stat(target, &info) == 0 else {
                throw AtomicFile.WriteError(path: path, message: String(cString: strerror(errno)))
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return (target, .regular)
        case S_IFCHR, S_IFIFO: return (target, .stream)
        case S_IFDIR: throw AtomicFile.WriteError(path: path, message: "it is a folder, not a file")
        case S_IFBLK: throw AtomicFile.WriteError(path: path, message: "it is a block device; refusing to write to it")
        case S_IFSOCK: throw AtomicFile.WriteError(path: path, message: "it is a socket; refusing to write to it")
        default: throw AtomicFile.WriteError(path: path, message: "it is not a regular file")
        }
    }

    /// Writes all of `data` to an open descriptor, retrying short writes and EINTR.
    static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws(AtomicFile.WriteError) {
        let failure: Int32? = data.withUnsafeBytes { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if written == 0 { return EIO }
                offset += written
            }
            return nil
        }
        if let failure { throw AtomicFile.WriteError(path: path, message: String(cString: strerror(failure))) }
    }

    /// Writes a character device or FIFO in place: no temporary file, nothing renamed over it.
    static func writeInPlace(_ data: Data, to path: String, name: String) throws(AtomicFile.WriteError) {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            throw AtomicFile.WriteError(path: name, message: String(cString: strerror(errno)))
        }
        do {
            try writeAll(data, to: descriptor, path: name)
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else {
            throw AtomicFile.WriteError(path: name, message: String(cString: strerror(errno)))
        }
    }

    /// Creates `temporary` (new, with the mode a new file gets), writes, flushes and closes it,
    /// checking every step; removes it on failure.
    static func writeTemporary(
        _ data: Data, to temporary: String, name: String, operation: String = "write"
    ) throws(AtomicFile.WriteError) {
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw AtomicFile.WriteError(
                operation: operation, path: name,
                message: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        var failure: AtomicFile.WriteError?
        do {
            try writeAll(data, to: descriptor, path: name)
        } catch {
            failure = AtomicFile.WriteError(operation: operation, path: name, message: error.message)
        }
        if failure == nil, fsync(descriptor) != 0 {
            failure = AtomicFile.WriteError(operation: operation, path: name, message: String(cString: strerror(errno)))
        }
        if close(descriptor) != 0, failure == nil {
            failure = AtomicFile.WriteError(operation: operation, path: name, message: String(cString: strerror(errno)))
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// Gives `temporary` the permission bits of the file it replaces.
    static func keepMode(of path: String, on temporary: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        _ = chmod(temporary, info.st_mode & 0o7777)
    }
}
