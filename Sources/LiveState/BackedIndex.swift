import Foundation
import Manifests

/// The backed Services of a `ServiceDecision`, looked up by an item's identity as bytes of the
/// answer (no string made): an open-addressing table keyed by the FNV-1a hash of the storage key
/// `<namespace>/<name>`, whose keys are kept as bytes in one buffer and compared as memory. A
/// lookup is made for nearly every Endpoints and slice of a cluster; a dictionary of `ServiceKey`s
/// hashed the hash again and retained two strings per lookup, which was most of deciding an item.
/// Keys with the same hash (or the same slot) are told apart by their bytes.
struct BackedIndex {
    private struct Entry {
        var hash: UInt64
        /// Where the key's bytes start in `bytes`: the namespace, then the name.
        var start: Int
        var namespaceCount: Int32
        var nameCount: Int32
        /// False once removed (the entry stays, to be found again if the key comes back).
        var present: Bool
    }

    private var entries: [Entry] = []
    private var bytes: [UInt8] = []
    /// Indices into `entries`; -1 is an empty slot. The count is a power of two.
    private var slots: [Int32] = Array(repeating: -1, count: 16)
    /// The bits of the hash kept: all of them, fewer in tests (to make collisions).
    let mask: UInt64

    init(mask: UInt64 = .max) { self.mask = mask }

    mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
        bytes.reserveCapacity(count * 32)
        if count * 4 > slots.count * 3 { rehash(slotCount: Self.slotCount(for: count)) }
    }

    mutating func insert(_ key: ServiceKey) {
        update([(key, true)])
    }

    mutating func remove(_ key: ServiceKey) {
        update([(key, false)])
    }

    /// Inserts (`backed`) or removes each key, in order. As `contains(_:)` does for lookups, the
    /// first slots of all the keys are loaded before any is changed: a page's Services go in
    /// together, and one key after another waited on memory for each.
    mutating func update(_ changes: [(key: ServiceKey, backed: Bool)]) {
        let hashes = changes.map { Self.hash($0.key.namespace.utf8, $0.key.name.utf8, mask: mask) }
        // Room first: the table is not rehashed under the slots loaded below.
        let inserts = changes.reduce(0) { $0 + ($1.backed ? 1 : 0) }
        if (entries.count + inserts) * 4 > slots.count * 3 {
            rehash(slotCount: Self.slotCount(for: entries.count + inserts))
        }
        let last = slots.count - 1
        let firstEmpty = hashes.map { slots[Self.start($0) & last] < 0 }
        for (change, (hash, empty)) in zip(changes, zip(hashes, firstEmpty)) {
            var namespace = change.key.namespace
            var name = change.key.name
            namespace.withUTF8 { namespace in
                name.withUTF8 { name in
                    let slot = Self.start(hash) & last
                    // Still empty (no key of this batch took it): the key is not in the table.
                    if empty, slots[slot] < 0 {
                        if change.backed { append(namespace: namespace, name: name, hash: hash, at: slot) }
                        return
                    }
                    let found = find(
                        namespace: UnsafeRawBufferPointer(namespace), name: UnsafeRawBufferPointer(name), hash: hash)
                    if let found {
                        entries[found].present = change.backed
                    } else if change.backed {
                        var free = slot
                        while slots[free] >= 0 { free = (free + 1) & last }
                        append(namespace: namespace, name: name, hash: hash, at: free)
                    }
                }
            }
        }
    }

    /// Whether the Service `namespace`/`name` is in the index; `hash` is `hash(namespace, name, mask: mask)`.
    func contains<Namespace: Collection<UInt8>>(
        namespace: Namespace, name: UnsafeRawBufferPointer, hash: UInt64
    ) -> Bool {
        let found =
            namespace.withContiguousStorageIfAvailable { namespace in
                find(namespace: UnsafeRawBufferPointer(namespace), name: name, hash: hash)
            } ?? Array(namespace).withUnsafeBytes { namespace in find(namespace: namespace, name: name, hash: hash) }
        guard let found else { return false }
        return entries[found].present
    }

    /// A key looked up by `contains(_:)`: its bytes where they lie, and `hash(namespace, name, mask: mask)`.
    struct Probe {
        var namespace: UnsafeRawBufferPointer
        var name: UnsafeRawBufferPointer
        var hash: UInt64
    }

    /// Whether each key is in the index, as `contains(namespace:name:hash:)` says, for a page's keys
    /// at once. A key's slot and entry lie anywhere in a table of a cluster's Services, so looking up
    /// one key after another waited on memory for each in turn (most of deciding an item). Here the
    /// first slot of every key is loaded, then the entries those slots name, each pass only loading,
    /// so that the loads of different keys overlap; the comparisons then find them in the cache.
    func contains(_ probes: [Probe]) -> [Bool] {
        let last = slots.count - 1
        let first = probes.map { slots[Self.start($0.hash) & last] }
        let firstHash = first.map { $0 < 0 ? 0 : entries[Int($0)].hash }
        return bytes.withUnsafeBytes { stored in
            probes.indices.map { position in
                let probe = probes[position]
                // An empty first slot: not in the table (a key is placed at its first empty slot).
                guard first[position] >= 0 else { return false }
                let index = Int(first[position])
                if firstHash[position] == probe.hash,
                    matches(entries[index], stored, namespace: probe.namespace, name: probe.name)
                {
                    return entries[index].present
                }
                let slot = (Self.start(probe.hash) + 1) & last
                guard let found = find(namespace: probe.namespace, name: probe.name, hash: probe.hash, from: slot)
                else { return false }
                return entries[found].present
            }
        }
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

    // MARK: The table

    /// A new entry for the key, in the empty `slot` (the table has room).
    private mutating func append(
        namespace: UnsafeBufferPointer<UInt8>, name: UnsafeBufferPointer<UInt8>, hash: UInt64, at slot: Int
    ) {
        let start = bytes.count
        bytes.append(contentsOf: namespace)
        bytes.append(contentsOf: name)
        entries.append(
            Entry(
                hash: hash, start: start, namespaceCount: Int32(namespace.count), nameCount: Int32(name.count),
                present: true))
        slots[slot] = Int32(entries.count - 1)
    }

    /// The entry of the key, present or removed.
    private func find(namespace: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        find(namespace: namespace, name: name, hash: hash, from: Self.start(hash) & (slots.count - 1))
    }

    /// As `find(namespace:name:hash:)`, probing from `slot` on.
    private func find(
        namespace: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer, hash: UInt64, from slot: Int
    ) -> Int? {
        let last = slots.count - 1
        var slot = slot
        return bytes.withUnsafeBytes { stored -> Int? in
            while true {
                let index = Int(slots[slot])
                if index < 0 { return nil }
                let entry = entries[index]
                if entry.hash == hash, matches(entry, stored, namespace: namespace, name: name) { return index }
                slot = (slot + 1) & last
            }
        }
    }

    /// Whether `entry`'s key is `namespace`/`name` (its hash already compared).
    private func matches(
        _ entry: Entry, _ stored: UnsafeRawBufferPointer, namespace: UnsafeRawBufferPointer,
        name: UnsafeRawBufferPointer
    ) -> Bool {
        Int(entry.namespaceCount) == namespace.count && Int(entry.nameCount) == name.count
            && Self.equal(stored, at: entry.start, namespace)
            && Self.equal(stored, at: entry.start + namespace.count, name)
    }

    private mutating func place(_ index: Int) {
        let last = slots.count - 1
        var slot = Self.start(entries[index].hash) & last
        while slots[slot] >= 0 { slot = (slot + 1) & last }
        slots[slot] = Int32(index)
    }

    private mutating func rehash(slotCount: Int) {
        slots = Array(repeating: -1, count: slotCount)
        for index in entries.indices { place(index) }
    }

    private static func slotCount(for count: Int) -> Int {
        var slots = 16
        while count * 4 > slots * 3 { slots *= 2 }
        return slots
    }

    /// The first slot to probe: the hash's high and low halves mixed (a test's mask keeps only low bits).
    private static func start(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: ((hash ^ (hash >> 29)) &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }

    private static func equal(_ stored: UnsafeRawBufferPointer, at start: Int, _ other: UnsafeRawBufferPointer) -> Bool
    {
        guard !other.isEmpty else { return true }
        guard let left = stored.baseAddress, let right = other.baseAddress else { return false }
        return memcmp(left + start, right, other.count) == 0
    }
}
