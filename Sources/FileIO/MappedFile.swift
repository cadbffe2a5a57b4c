#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A regular file mapped read-only into memory, for reading a large file front to back without a
/// copy. Pages already read can be given back (`release(below:)`), so that reading a file of a
/// gigabyte does not keep a gigabyte resident.
public final class MappedFile {
    public let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?
    private let length: Int
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps the file at `path`; nil when it is not a regular file or cannot be opened or mapped
    /// (callers then read it the ordinary way, which also gives the ordinary error messages).
    public init?(path: String) {
        // Look before opening: opening a FIFO blocks until a writer comes, and once opened and closed
        // here, the caller's own open (to read it as a stream) would wait for a writer that is gone.
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        length = Int(info.st_size)
        guard length > 0 else {
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0),
            mapped != UnsafeMutableRawPointer(bitPattern: -1)
        else {
            return nil
        }
        // Read-ahead for a front-to-back reader.
        _ = madvise(mapped, length, MADV_SEQUENTIAL)
        base = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: length)
    }

    deinit {
        if let base { munmap(base, length) }
    }

    /// Gives back the pages wholly below `offset`: they leave this process' resident set (the
    /// kernel keeps them in its page cache), and a later read of them maps them in again.
    public func release(below offset: Int) {
        pass.release(below: offset, in: self)
    }

    private var pass = Pass()

    /// A front-to-back pass through the file that gives back the pages it has passed. The file's
    /// own (`release(below:)`) serves its first reader; a second pass keeps one of its own. A pass
    /// that reads only a few objects spread over the file needs it as much as one that reads it
    /// all: a read fault may map far more than the bytes read (the kernel maps a whole large folio
    /// of the page cache, up to megabytes, around the byte touched).
    public struct Pass: Sendable {
        private var released = 0

        public init() {}

        /// Gives back the pages wholly below `offset` that this pass has not given back yet.
        public mutating func release(below offset: Int, in file: MappedFile) {
            guard let base = file.base else { return }
            let end = min(offset, file.length) / MappedFile.pageSize * MappedFile.pageSize
            // In steps of a megabyte or more: one system call per item would cost more than it saves.
            let last = file.length / MappedFile.pageSize * MappedFile.pageSize
            guard end - released >= 1 << 20 || (end == last && end > released) else { return }
            _ = madvise(base + released, end - released, MADV_DONTNEED)
            released = end
        }
    }
}
