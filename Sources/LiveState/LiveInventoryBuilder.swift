import Foundation
import Manifests

/// The inventory of a filtered read's kept records, built while the lists are still being read.
///
/// A check compares git with `ServiceInventory(records:)` of the live records it can compare. Built
/// after the last page, that was the longest step between the lists and the report. Here each
/// page's kept records are taken in as the page is taken, on a thread at the lowest priority: it
/// uses what the read leaves idle (a core, once only the slices list is left), and `finish()`
/// takes in the rest itself.
///
/// The inventory is the one built from the read's records, which hold the Services, then the
/// Endpoints, then the slices, each list's in the order it read them: a Service's backends keep
/// where they were written in that order, and the first appProtocol written wins. So the slices
/// are taken in only once every Endpoints list is read (`listed`), each list's records in order.
///
/// A list that starts over (410) gave records that are not in the snapshot: `invalidate()`, and
/// the check builds the inventory from the records after all.
final class LiveInventoryBuilder: @unchecked Sendable {
    private let condition = NSCondition()
    /// Services and Endpoints given and not taken in yet.
    private var pending = Queue()
    /// Slices given and not taken in yet: taken in once no Endpoints list is left (`endpointsLists`)
    /// and `pending` is empty.
    private var slices = Queue()
    /// The Endpoints lists not read to their end yet.
    private var endpointsLists: Int
    /// The worker's while it runs, `finish()`'s once it stopped.
    private var inventory = ServiceInventory()
    /// The worker is taking in records (outside the lock).
    private var working = false
    private var started = false
    private var closed = false
    private var invalid = false

    /// Records taken in per turn of the worker: how long `finish()` may wait for it.
    private static let turn = 32

    /// `endpointsLists`: how many Endpoints lists the read makes.
    init(endpointsLists: Int) {
        self.endpointsLists = endpointsLists
    }

    /// Takes in a page's kept records (in the order its list read them).
    func add(_ records: [ObjectRecord]) {
        guard !records.isEmpty else { return }
        let start = condition.withLock { () -> Bool in
            guard !closed, !invalid else { return false }
            for record in records {
                if record.ref.kind == .endpointSlice {
                    slices.records.append(record)
                } else {
                    pending.records.append(record)
                }
            }
            condition.signal()
            guard !started else { return false }
            started = true
            return true
        }
        if start { LowPriorityThread.start { [self] in work() } }
    }

    /// A list of objects of `kind` is read to its end.
    func listed(_ kind: ObjectKind) {
        guard kind == .endpoints else { return }
        condition.withLock {
            endpointsLists -= 1
            condition.signal()
        }
    }

    /// A list started over: what it gave before is not in the read's records.
    func invalidate() {
        condition.withLock {
            invalid = true
            pending = Queue()
            slices = Queue()
        }
    }

    /// The inventory of every record given, once the lists are read; nil after `invalidate()`.
    /// Takes in what the worker has not.
    func finish() -> ServiceInventory? {
        guard let (rest, restSlices) = stop() else { return nil }
        for record in rest { inventory.add(record) }
        for record in restSlices { inventory.add(record) }
        return inventory
    }

    /// Stops the worker (a read that failed): nothing more is taken in.
    func close() {
        _ = stop()
    }

    /// The records not taken in, once the worker is idle for good; nil when invalidated.
    private func stop() -> (ArraySlice<ObjectRecord>, ArraySlice<ObjectRecord>)? {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        // At most one turn: the worker checks `closed` before each.
        while working { condition.wait() }
        guard !invalid else { return nil }
        let rest = (pending.rest, slices.rest)
        pending = Queue()
        slices = Queue()
        return rest
    }

    /// Called with the lock held: the next records for the worker, nil when it has none now.
    private func nextTurn() -> ArraySlice<ObjectRecord>? {
        if let turn = pending.take(Self.turn) { return turn }
        return endpointsLists <= 0 ? slices.take(Self.turn) : nil
    }

    /// Records in the order given, taken from the front.
    private struct Queue {
        var records: [ObjectRecord] = []
        /// `records[next...]` are not taken yet.
        private var next = 0

        var rest: ArraySlice<ObjectRecord> { records[next...] }

        /// The next `count` records at most; nil when none is left.
        mutating func take(_ count: Int) -> ArraySlice<ObjectRecord>? {
            guard next < records.count else { return nil }
            let end = min(next + count, records.count)
            defer {
                next = end
                if next == records.count {
                    records.removeAll(keepingCapacity: true)
                    next = 0
                }
            }
            return records[next..<end]
        }
    }

    private func work() {
        while true {
            condition.lock()
            var turn = closed ? nil : nextTurn()
            while turn == nil && !closed {
                condition.wait()
                turn = closed ? nil : nextTurn()
            }
            guard let turn else {
                condition.unlock()
                return
            }
            working = true
            condition.unlock()
            for record in turn { inventory.add(record) }
            condition.lock()
            working = false
            condition.broadcast()
            condition.unlock()
        }
    }
}
