/// The one place that decides exit codes: 0 in sync, 1 findings, 2 could not check.
public enum ExitStatus: Int32, Sendable, Comparable {
    case ok = 0
    case findings = 1
    case couldNotCheck = 2

    /// The worse of two results (for runs made of several checks).
    public static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }
}
