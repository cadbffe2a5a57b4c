/// The outcome for one external service, decided by its findings that are not ignored.
public enum ServiceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Compared, and git and the cluster agree (or every difference is ignored).
    case inSync = "in-sync"
    /// Compared, and they differ.
    case drifted
    /// Defined in git; none of its objects exists in the cluster.
    case missingLive = "missing-live"
    /// In the cluster with hand-written backends; not in git.
    case unmanaged
    /// Could not be compared (its namespace could not be read, its cluster could not be reached).
    case error
}
