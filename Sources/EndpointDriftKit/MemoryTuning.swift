#if canImport(Glibc)
    import CMalloc
#endif

/// Process-wide allocator settings, applied once at start by the executables.
public enum MemoryTuning {
    /// glibc grows the heap of a thread other than the main one 128 KiB at a time, each step an
    /// `mprotect` call; the live state is read on such a thread and allocates hundreds of
    /// megabytes, so a quarter of that read was spent growing the heap. Growing it 64 MiB at a
    /// time costs nothing resident: untouched pages are not in memory.
    public static func apply() {
        #if canImport(Glibc)
            _ = mallopt(M_TOP_PAD, 64 << 20)
        #endif
    }
}
