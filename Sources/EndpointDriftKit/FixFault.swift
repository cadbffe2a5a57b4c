/// Points where tests make a `fix` run fail on purpose, to prove that a failed run leaves no partial
/// files and the repository exactly as it was.
public enum FixFault: Sendable, Hashable {
    /// Before the `index`th output file is put in place (working tree, `--out`, patches, reports).
    case beforeCommittingFile(index: Int, path: String)
    /// Before the commit's objects are written into the repository.
    case beforePublishingObjects
    /// Before the branch is created.
    case beforeCreatingBranch
}

public typealias FixFaultHook = @Sendable (FixFault) throws -> Void
