#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An object key as it is written in the input (between its quotes), compared with field names
/// without making a `String`: most keys of Kubernetes objects are longer than the 15 bytes a
/// `String` stores inline, so making one per key allocates.
public struct JSONKey {
    public let raw: UnsafeRawBufferPointer
    /// The key has backslash escapes: compare its decoded text.
    public let escaped: Bool

    /// The key's text, escapes resolved.
    public var string: String {
        guard escaped, let start = raw.baseAddress else { return String(decoding: raw, as: UTF8.self) }
        // The quotes around the key are in the same buffer.
        var reader = JSONReader(bytes: UnsafeRawBufferPointer(start: start - 1, count: raw.count + 2))
        return (try? reader.readString()) ?? String(decoding: raw, as: UTF8.self)
    }

    public static func == (key: JSONKey, name: StaticString) -> Bool {
        if key.escaped { return key.string == name.description }
        guard key.raw.count == name.utf8CodeUnitCount else { return false }
        guard let base = key.raw.baseAddress else { return true }
        return memcmp(base, name.utf8Start, key.raw.count) == 0
    }

    /// Lets a `switch` over a key use field names as patterns.
    public static func ~= (name: StaticString, key: JSONKey) -> Bool { key == name }
}
