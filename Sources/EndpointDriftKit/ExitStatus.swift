import Drift

/// The one place that decides exit codes: 0 in sync, 1 findings, 2 could not check.
public enum ExitStatus: Int32, Sendable, Comparable {
    case ok = 0
    case findings = 1
    case couldNotCheck = 2

    /// The worse of two results (for runs made of several checks).
    public static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension ExitStatus {
    /// A check or lint run: 2 when something could not be checked, 1 when findings fail the run
    /// (`--fail-on`), else 0. `--exit-zero` makes every run that completed exit 0.
    public static func of(_ outcome: DriftSummary.Outcome, exitZero: Bool) -> ExitStatus {
        if exitZero { return .ok }
        switch outcome {
        case .pass: return .ok
        case .fail: return .findings
        case .error: return .couldNotCheck
        }
    }
}
