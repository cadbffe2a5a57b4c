#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// stdout and stderr without Foundation buffering surprises, plus "is this a terminal".
public enum StandardStreams {
    public static func writeOut(_ text: String) { write(text, to: STDOUT_FILENO) }
    public static func writeError(_ text: String) { write(text, to: STDERR_FILENO) }

    public static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes a report or patch to stdout; a failed write (a closed pipe, a full disk) is an error
    /// of the run, not a silent loss.
    public static func emit(_ text: String) throws(RunError) {
        if let failure = write(text, to: STDOUT_FILENO) {
            throw RunError(operation: "write", subject: "stdout", message: String(cString: strerror(failure)))
        }
    }

    /// nil, or the errno of the write that failed.
    @discardableResult
    private static func write(_ text: String, to descriptor: Int32) -> Int32? {
        var copy = SecretMask.apply(text)
        return copy.withUTF8 { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return errno
                }
                if written == 0 { return EIO }
                offset += written
            }
            return nil
        }
    }
}
