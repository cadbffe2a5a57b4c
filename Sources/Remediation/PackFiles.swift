#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Removal of pack files written by a run that then failed.
enum PackFiles {
    static func remove(_ path: String) { _ = unlink(path) }
}
