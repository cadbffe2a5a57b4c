import Foundation
import GitStore

/// Reads files on several threads, each with a `Repository` of its own (libgit2 handles must not be
/// shared between threads). Reading a file is inflating its blob and parsing it, independent of
/// every other file; the results come back by index, to be merged in the tree's order, so the scan
/// gives the same result, in the same order, as reading the files one after the other.
enum ParallelRead {
    /// One file to read, and whether it is selected for checking or read only for discovery.
    struct ReadTask: Sendable {
        var entry: TreeEntry
        var selected: Bool
    }

    /// One result per file; nil where no worker read the file (none could open the repository).
    static func run(
        _ entries: [ReadTask], gitDirectory: String, threads: Int, reader: FileReader
    ) -> [FileResult?] {
        let work = Work(count: entries.count)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            guard let repository = try? Repository.discover(from: gitDirectory) else { return }
            while let range = work.claim() {
                for index in range {
                    let task = entries[index]
                    work.store(reader.read(task.entry, selected: task.selected, repository), at: index)
                }
            }
        }
        return work.results
    }

    /// The next files to read and the results, shared by the workers.
    private final class Work: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private let count: Int
        private var stored: [FileResult?]
        /// Files are handed out a few at a time: sizes vary, so no fixed split is even.
        private let batch = 8

        init(count: Int) {
            self.count = count
            stored = [FileResult?](repeating: nil, count: count)
        }

        func claim() -> Range<Int>? {
            lock.withLock {
                guard next < count else { return nil }
                let range = next..<min(count, next + batch)
                next = range.upperBound
                return range
            }
        }

        func store(_ result: FileResult, at index: Int) {
            lock.withLock { stored[index] = result }
        }

        var results: [FileResult?] { lock.withLock { stored } }
    }
}
