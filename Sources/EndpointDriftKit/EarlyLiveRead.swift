import LiveState

/// Reads the live state while git is scanned, when the read does not depend on the scan: a source
/// whose scope only filters (a snapshot file) is read whole at once and narrowed to the scope when
/// it is known. Other sources (the API server) are read after the scan: their scope comes from the
/// desired state, and a run that fails on git must not have listed anything in the cluster. They
/// begin only what does not depend on it (`LiveStateSource.startingEarly()`: the API server's
/// connection and discovery). Errors keep their order: whatever fails before the live state is
/// needed is reported first.
///
/// A snapshot file read for a filtered read (`check`) is read through early but kept mostly as
/// where its objects are (`SnapshotIndex`): the filter, known only after the scan, then says which
/// of them to read again, so that memory follows what the check compares, not the cluster.
struct EarlyLiveRead: Sendable {
    private let source: any LiveStateSource
    private let task: Task<Result<LiveSnapshot, LiveError>, Never>?
    private let indexed: Task<Result<SnapshotIndex, LiveError>, Never>?

    /// `filtered`: every read will pass a `LiveRecordFilter`.
    init(_ source: any LiveStateSource, filtered: Bool = false) {
        if filtered, let file = source as? SnapshotFileSource {
            self.source = source
            task = nil
            indexed = Task {
                do throws(LiveError) {
                    return .success(try await file.index())
                } catch {
                    return .failure(error)
                }
            }
            return
        }
        indexed = nil
        guard source.scopeOnlyFilters else {
            self.source = source.startingEarly()
            task = nil
            return
        }
        self.source = source
        task = Task {
            do throws(LiveError) {
                return .success(try await source.read(scope: .all))
            } catch {
                return .failure(error)
            }
        }
    }

    /// The live state in `scope`: the early read narrowed, or a read now (which may leave out what
    /// `filter` says the check never compares).
    func read(scope: NamespaceScope, keeping filter: LiveRecordFilter? = nil) async throws(LiveError) -> LiveSnapshot {
        if let indexed { return try await indexed.value.get().snapshot(keeping: filter).narrowed(to: scope) }
        if let task { return try await task.value.get().narrowed(to: scope) }
        guard let filter else { return try await source.read(scope: scope) }
        return try await source.read(scope: scope, keeping: filter)
    }

    /// For a run that fails before it needs the live state.
    func cancel() {
        task?.cancel()
        indexed?.cancel()
        source.abandonEarlyStart()
    }
}
