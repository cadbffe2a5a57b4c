import Manifests

/// What the detector made of one Service, before ignore rules decide its status.
public struct ServiceComparison: Sendable {
    public enum Outcome: Sendable, Hashable {
        /// Both sides compared; findings say whether they differ.
        case compared
        /// In git; nothing of it exists live.
        case missingLive
        /// Live only, a selector-less Service with hand-written backends.
        case unmanaged
        /// Not an external service (its Service has a selector): backends belong to the controllers.
        case notCompared
    }

    public var key: ServiceKey
    public var outcome: Outcome
    public var findings: [Finding]
    public var desired: BackendSet
    public var live: BackendSet
    public var desiredObjects: [ObjectRef]
    public var liveObjects: [ObjectRef]
    /// Live backends taken to be the value of a placeholder in git (`${NAS_IP}` on the same port):
    /// placeholder → the live addresses, shown beside it instead of being reported as stale.
    public var placeholderValues: [String: [String]] = [:]

    public init(
        key: ServiceKey, outcome: Outcome, findings: [Finding] = [], desired: BackendSet = BackendSet(),
        live: BackendSet = BackendSet(), desiredObjects: [ObjectRef] = [], liveObjects: [ObjectRef] = []
    ) {
        self.key = key
        self.outcome = outcome
        self.findings = findings
        self.desired = desired
        self.live = live
        self.desiredObjects = desiredObjects
        self.liveObjects = liveObjects
    }
}
