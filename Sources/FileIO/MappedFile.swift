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
    private var released = 0
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
        guard let base else { return }
        let end = min(offset, length) / Self.pageSize * Self.pageSize
        // In steps of a megabyte or more: one system call per item would cost more than it saves.
        guard end - released >= 1 << 20 || (end == length / Self.pageSize * Self.pageSize && end > released) else {
            return
        }
        _ = madvise(base + released, end - released, MADV_DONTNEED)
        released = end
    }

    /// Gives back the pages wholly inside `range`, for a reader that jumps forward through the file
    /// after `release(below:)` has passed: a read fault may map far more than the bytes read (the
    /// kernel maps a whole large folio of the page cache, up to megabytes, around the byte touched),
    /// so reading a few objects spread over a file can make most of it resident.
    public func release(_ range: Range<Int>) {
        guard let base else { return }
        let start = (max(0, range.lowerBound) + Self.pageSize - 1) / Self.pageSize * Self.pageSize
        let end = min(range.upperBound, length) / Self.pageSize * Self.pageSize
        guard end > start else { return }
        _ = madvise(base + start, end - start, MADV_DONTNEED)
    }
}
