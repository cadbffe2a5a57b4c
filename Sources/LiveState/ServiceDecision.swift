import Foundation
import Manifests

/// Which Endpoints and EndpointSlices a check's read leaves out (`ServiceDigest.leavesOut`),
/// decided while the Services list that decides it is still being read.
///
/// The API server lists objects in the order of their storage keys, `<namespace>/<name>` byte by
/// byte, so the Services, Endpoints and slices lists walk the cluster side by side. Once the
/// Services list has passed a key, no later Service has it: what the digest says of that key is
/// final, and an Endpoints or slice item of a Service up to there is decided as soon as its page
/// comes. The three lists then run side by side, not the Services first and the others after.
///
/// The order is checked, not assumed: a Services list read out of order, or started over after a
/// 410, stops the early decisions, and items dropped by then may have been dropped wrongly
/// (`mayHaveErred`: the lists are read again, deciding nothing early). An item whose Service the
/// list has not passed yet is kept; `whole` decides it once the Services are read.
final class ServiceDecision: @unchecked Sendable {
    private let lock = NSLock()
    private let desired: Set<ServiceKey>
    /// The digest of the Services read so far.
    private var partial = ServiceDigest(backed: [], clusterIPs: [:])
    /// The last Service read, while the list is in order.
    private var last: ServiceKey? {
        didSet { lastStorageKey = nil }
    }
    /// `last`'s storage key as bytes, made when an item is first compared with it.
    private var lastStorageKey: [UInt8]?
    private var ordered: Bool
    private var droppedEarly = false
    /// Set once the Services are read: their whole digest, nil when they could not be read.
    private var finished: ServiceDigest??
    private var waiting: [(key: ServiceKey?, continuation: CheckedContinuation<Void, Never>)] = []
    /// The backed Services (of `partial`, then of the whole digest) by the bytes of their storage
    /// key: what an item's identity as bytes is looked up in (`leavesOut(_: ItemIdentity)`).
    private var backedIndex: BackedIndex
    /// `backedIndex.mask`, read without the lock.
    private let hashMask: UInt64

    /// Whether a page of Services may hand over the Services the digest stands for as their key and
    /// cluster IPs only (`ProtobufObjectReader.digestsThin`): in a list that streams, they are
    /// dropped as they are taken in; one found out of order after that is read again.
    let takesDigestOnly: Bool

    /// `streams`: whether the Services come from one list, whose order can be followed; with
    /// several (one per namespace) every decision waits for the whole digest.
    /// `hashMask`: see `BackedIndex.mask`.
    init(desired: Set<ServiceKey>, streams: Bool, hashMask: UInt64 = .max) {
        self.desired = desired
        ordered = streams
        takesDigestOnly = streams
        backedIndex = BackedIndex(mask: hashMask)
        self.hashMask = hashMask
    }

    // MARK: The Services list's side

    /// About `count` Services are coming (the first page says how many remain): room is made at once.
    func expect(_ count: Int) {
        // Bounded: the count is the server's word.
        let room = min(max(0, count), 1 << 18)
        lock.withLock {
            partial.reserveCapacity(room)
            backedIndex.reserveCapacity(room)
        }
    }

    /// Takes in the Services of a page, in the order read.
    func add<Records: Collection<ObjectRecord>>(_ records: Records) {
        _ = take(records, dropping: false)
    }

    /// Takes in a page of Services, in the order read, and drops from it those the digest now
    /// stands for (backed, not in git, not annotated): in a list in order, what the digest says of
    /// a Service the list has passed is final, and it keeps their cluster IPs and which are backed.
    /// Without their records the whole digest cannot be made again, so a list found out of order
    /// after this says read again (`mayHaveErred`).
    /// `digestOnly`: the page's Services read for the digest only, each with the number of records
    /// before it; taken in at their places, never kept.
    func absorb(
        _ records: inout [ObjectRecord], digestOnly: [(before: Int, service: ProtobufObjectReader.DigestOnly)] = []
    ) {
        if let kept = take(records, dropping: true, digestOnly: digestOnly) { records = kept }
    }

    /// The records kept, when `dropping` dropped any; nil when all are kept.
    private func take<Records: Collection<ObjectRecord>>(
        _ records: Records, dropping: Bool,
        digestOnly: [(before: Int, service: ProtobufObjectReader.DigestOnly)] = []
    ) -> [ObjectRecord]? {
        var kept: [ObjectRecord]?
        var next = 0
        // The index is changed for the whole page at once (`BackedIndex.update`).
        var changes: [(key: ServiceKey, backed: Bool)] = []
        changes.reserveCapacity(records.count + digestOnly.count)
        let ready = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            // Called with the lock held: the Services read for the digest only that come before
            // the record at `position`.
            func takeDigestOnly(before position: Int) {
                while next < digestOnly.count, digestOnly[next].before <= position {
                    let service = digestOnly[next].service
                    next += 1
                    follow(service.key)
                    // Read for the digest only because git does not define it (`readsThin`).
                    let change = partial.add(
                        service.key, controllerBacked: true, clusterIPs: service.clusterIPs, desired: { _ in false })
                    if change.changed { changes.append((service.key, change.backed)) }
                    // Left out as a backed Service not in git without the annotation is: if the
                    // list turns out of order, it is read again.
                    droppedEarly = true
                }
            }
            for (position, record) in zip(0..., records) {
                takeDigestOnly(before: position)
                guard let key = record.serviceKey else {
                    kept?.append(record)
                    continue
                }
                follow(key)
                let change = partial.add(record, desired: desired.contains)
                if change.changed { changes.append((key, change.backed)) }
                if dropping, ordered, change.backed,
                    record.object.metadata.annotations[WellKnown.ignoreAnnotation] == nil
                {
                    droppedEarly = true
                    if kept == nil { kept = Array(records.prefix(position)) }
                    continue
                }
                kept?.append(record)
            }
            takeDigestOnly(before: records.count)
            backedIndex.update(changes)
            return takeReady()
        }
        for continuation in ready { continuation.resume() }
        return kept
    }

    /// Called with the lock held: the Services list has read `key`; one out of order stops the
    /// early decisions.
    private func follow(_ key: ServiceKey) {
        guard ordered else { return }
        if let last, !Self.listOrder(last, key) { ordered = false } else { last = key }
    }

    /// The Services list started over (410): what it read before may not be in the new list.
    func restarted() {
        lock.withLock { ordered = false }
    }

    /// The Services are read: `services` are their records, in the order read (looked at only if
    /// the list was out of order).
    func finish<Records: Swift.Sequence<ObjectRecord>>(_ services: Records) {
        settle {
            if ordered { return partial }
            let whole = ServiceDigest(services: services, desired: desired.contains)
            backedIndex = BackedIndex(mask: backedIndex.mask)
            backedIndex.update(whole.backed.map { ($0, true) })
            return whole
        }
    }

    /// The Services could not be read: nothing more is left out.
    func fail() {
        settle { nil }
    }

    private func settle(_ digest: () -> ServiceDigest?) {
        let ready = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            finished = .some(digest())
            partial = ServiceDigest(backed: [], clusterIPs: [:])
            let all = waiting.map(\.continuation)
            waiting = []
            return all
        }
        for continuation in ready { continuation.resume() }
    }

    // MARK: The other lists' side

    /// Returns once every item of the Service `key` can be decided: the Services list has passed
    /// it, or is read; nil waits for the whole digest.
    func wait(through key: ServiceKey?) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                if isDecided(key) { return true }
                waiting.append((key, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Whether the read leaves `object` out. Before the Services are read, only an object whose
    /// Service the list has passed (in order) can be: the others are kept for now.
    func leavesOut(_ object: KubeObject) -> Bool {
        let key = object.serviceName.map { ServiceKey(namespace: object.metadata.namespace ?? "default", name: $0) }
        return lock.withLock {
            if let finished { return finished?.leavesOut(object, of: key) ?? false }
            guard let key, isDecided(key), partial.leavesOut(object, of: key) else { return false }
            droppedEarly = true
            return true
        }
    }

    /// `leavesOut(_:)` for items' identities as bytes (`ProtobufObjectReader.decides`): the same
    /// answers, with no string or object made, under one lock for the lot (a page's items are
    /// decided together: taking the lock per item had the decoders queue on it).
    func leavesOut(_ items: [ProtobufObjectReader.ItemIdentity]) -> [Bool] {
        let hashes = items.map { item in
            item.service.map { service in
                item.namespace.isEmpty
                    ? BackedIndex.hash(Self.defaultNamespace, service, mask: hashMask)
                    : BackedIndex.hash(item.namespace, service, mask: hashMask)
            }
        }
        return lock.withLock {
            // The state is read once for the lot; per item, only its own key is compared and looked
            // up (reading the digest and the last key per item copied them 70,000 times).
            let passed: [UInt8]?
            switch finished {
            case .some(.some): passed = nil
            case .some(.none): return [Bool](repeating: false, count: items.count)
            case .none:
                guard ordered, let last else { return [Bool](repeating: false, count: items.count) }
                let key = lastStorageKey ?? Array("\(last.namespace)/\(last.name)".utf8)
                lastStorageKey = key
                passed = key
            }
            return Self.defaultNamespace.withUnsafeBytes { defaultNamespace in
                // The items the index is asked about, looked up together (`BackedIndex.contains(_:)`).
                var probes: [BackedIndex.Probe] = []
                var asked: [Int] = []
                probes.reserveCapacity(items.count)
                asked.reserveCapacity(items.count)
                for (position, (item, hash)) in zip(items, hashes).enumerated() {
                    guard let service = item.service, let hash, !item.ignored else { continue }
                    let namespace = item.namespace.isEmpty ? defaultNamespace : item.namespace
                    // An item the Services list has not passed yet is kept for now.
                    if let passed, Self.precedes(passed, namespace, service) { continue }
                    probes.append(BackedIndex.Probe(namespace: namespace, name: service, hash: hash))
                    asked.append(position)
                }
                var answers = [Bool](repeating: false, count: items.count)
                for (position, backed) in zip(asked, backedIndex.contains(probes)) { answers[position] = backed }
                // Before the whole digest, a drop is early: it may have to be undone (`mayHaveErred`).
                if passed != nil && answers.contains(true) { droppedEarly = true }
                return answers
            }
        }
    }

    private static let defaultNamespace = Array("default".utf8)

    /// The whole digest, once `finish` was given the Services.
    var whole: ServiceDigest? {
        lock.withLock { finished ?? nil }
    }

    /// Whether an item (an Endpoints, a slice, a Service) was left out on the Services read so far
    /// and the list then turned out out of order: the lists must be read again to be sure.
    var mayHaveErred: Bool {
        lock.withLock { droppedEarly && !ordered }
    }

    // MARK: Order

    /// Called with the lock held.
    private func isDecided(_ key: ServiceKey?) -> Bool {
        if finished != nil { return true }
        guard let key, ordered, let last else { return false }
        return !Self.listOrder(last, key)
    }

    /// Called with the lock held: the waiters `isDecided` now lets go, removed.
    private func takeReady() -> [CheckedContinuation<Void, Never>] {
        guard !waiting.isEmpty else { return [] }
        var ready: [CheckedContinuation<Void, Never>] = []
        waiting.removeAll { waiter in
            guard isDecided(waiter.key) else { return false }
            ready.append(waiter.continuation)
            return true
        }
        return ready
    }

    /// Whether `a` comes before `b` in a list: their keys `<namespace>/<name>` compared byte by byte,
    /// as the API server's storage orders them.
    static func listOrder(_ a: ServiceKey, _ b: ServiceKey) -> Bool {
        if a.namespace == b.namespace { return a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }
        return StorageKey(a.namespace.utf8, a.name.utf8).lexicographicallyPrecedes(
            StorageKey(b.namespace.utf8, b.name.utf8))
    }

    /// Whether `storageKey` comes before `<namespace>/<name>` byte by byte (`listOrder`), the
    /// three parts of the latter compared as memory where they lie.
    static func precedes(
        _ storageKey: [UInt8], _ namespace: UnsafeRawBufferPointer, _ name: UnsafeRawBufferPointer
    ) -> Bool {
        let slash = UInt8(ascii: "/")
        return storageKey.withUnsafeBytes { key in
            var offset = 0
            // Each part against the key's bytes at the same place: the first difference decides.
            func compare(_ part: UnsafeRawBufferPointer) -> Bool? {
                let count = min(part.count, key.count - offset)
                if count > 0, let left = key.baseAddress, let right = part.baseAddress {
                    let order = memcmp(left + offset, right, count)
                    if order != 0 { return order < 0 }
                }
                // The key ended inside this part: a proper prefix comes first.
                if count < part.count { return true }
                offset += count
                return nil
            }
            if let answer = compare(namespace) { return answer }
            if let answer = withUnsafeBytes(of: slash, { compare($0) }) { return answer }
            if let answer = compare(name) { return answer }
            // The item's key is all read and equal so far: the key is the same or longer, not first.
            return false
        }
    }

    /// The bytes of `<namespace>/<name>`, not joined into one buffer.
    private struct StorageKey<Namespace: Swift.Sequence<UInt8>, Name: Swift.Sequence<UInt8>>: Swift.Sequence,
        IteratorProtocol
    {
        private var namespace: Namespace.Iterator
        private var name: Name.Iterator
        private var slash = true

        init(_ namespace: Namespace, _ name: Name) {
            self.namespace = namespace.makeIterator()
            self.name = name.makeIterator()
        }

        mutating func next() -> UInt8? {
            if slash {
                if let byte = namespace.next() { return byte }
                slash = false
                return UInt8(ascii: "/")
            }
            return name.next()
        }
    }
}
