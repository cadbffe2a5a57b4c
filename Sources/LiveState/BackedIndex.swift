import Foundation
import Manifests

/// The backed Services of a `ServiceDecision`, looked up by an item's identity as bytes of the
/// answer (no string made): a table keyed by the FNV-1a hash of the storage key
/// `<namespace>/<name>`, the key then compared as memory. One table entry per Service (an array per
/// entry cost as much to build and free as the lookups); the rare keys that share a hash with
/// another wait in `collisions`.
struct BackedIndex {
    private var first: [UInt64: ServiceKey] = [:]
    private var collisions: [UInt64: [ServiceKey]] = [:]
    /// The bits of the hash kept: all of them, fewer in tests (to make collisions).
    let mask: UInt64

    init(mask: UInt64 = .max) { self.mask = mask }

    mutating func reserveCapacity(_ count: Int) { first.reserveCapacity(count) }

    mutating func insert(_ key: ServiceKey) {
        let hash = Self.hash(key.namespace.utf8, key.name.utf8, mask: mask)
        guard let present = first[hash] else {
            first[hash] = key
            return
        }
        if present != key && collisions[hash]?.contains(key) != true { collisions[hash, default: []].append(key) }
    }

    mutating func remove(_ key: ServiceKey) {
        let hash = Self.hash(key.namespace.utf8, key.name.utf8, mask: mask)
        if first[hash] == key {
            // The next key of the same hash takes its place.
            first[hash] = collisions[hash]?.first
            collisions[hash]?.removeFirst()
        } else {
            collisions[hash]?.removeAll { $0 == key }
        }
        if collisions[hash]?.isEmpty == true { collisions[hash] = nil }
    }

    /// Whether the Service `namespace`/`name` is in the index; `hash` is `hash(namespace, name, mask: mask)`.
    func contains<Namespace: Collection<UInt8>>(
        namespace: Namespace, name: UnsafeRawBufferPointer, hash: UInt64
    ) -> Bool {
        guard let key = first[hash] else { return false }
        let matches = { (key: ServiceKey) in Self.equal(key.name, name) && Self.equal(key.namespace, namespace) }
        return matches(key) || (collisions[hash]?.contains(where: matches) ?? false)
    }

    /// FNV-1a of the storage key's bytes, `<namespace>/<name>`, keeping the bits of `mask`.
    static func hash<Namespace: Swift.Sequence<UInt8>, Name: Swift.Sequence<UInt8>>(
        _ namespace: Namespace, _ name: Name, mask: UInt64
    ) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in namespace { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ UInt64(UInt8(ascii: "/"))) &* 0x100_0000_01b3
        for byte in name { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash & mask
    }

    /// Whether `text` is `bytes`, compared as memory (a generic byte-by-byte walk was most of a lookup).
    private static func equal<Bytes: Collection<UInt8>>(_ text: String, _ bytes: Bytes) -> Bool {
        guard text.utf8.count == bytes.count else { return false }
        guard !bytes.isEmpty else { return true }
        var text = text
        return text.withUTF8 { utf8 in
            bytes.withContiguousStorageIfAvailable { other in
                guard let left = utf8.baseAddress, let right = other.baseAddress else { return false }
                return memcmp(left, right, utf8.count) == 0
            } ?? utf8.elementsEqual(bytes)
        }
    }
}
