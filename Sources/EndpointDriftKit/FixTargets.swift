import Drift
import Manifests

/// What `fix` should make one side equal to: the other side, except where `check` would ignore the
/// difference (`.endpoint-drift.yaml`, the `endpoint-drift.io/ignore` annotation). An ignored finding
/// means "leave this alone", so for it the target keeps the side being fixed as it is.
enum FixTargets {
    /// The inventory to copy from: `source` (live for `--to live`, git for `--to git`) with every
    /// ignored backend finding turned back to how `kept` (the side being edited) has it.
    static func keepingIgnored(
        source: ServiceInventory, kept: ServiceInventory, findings: [Finding], sourceIsLive: Bool
    ) -> ServiceInventory {
        var target = source
        for finding in findings where finding.isIgnored {
            guard let service = finding.service else { continue }
            let keptBackends = kept[service]?.backends ?? BackendSet()
            for (sourceKey, keptKey) in keys(of: finding, sourceIsLive: sourceIsLive) {
                target.updateBackends(of: service) { backends in
                    if let sourceKey { backends.remove(sourceKey) }
                    if let keptKey, let backend = keptBackends[keptKey] { backends.insert(backend, origin: nil) }
                }
            }
        }
        return target
    }

    /// For each backend a finding is about: its key on the source side and on the kept side (nil where
    /// that side does not have it).
    private static func keys(of finding: Finding, sourceIsLive: Bool) -> [(source: BackendKey?, kept: BackendKey?)] {
        let pairs: [(git: BackendKey?, live: BackendKey?)]
        switch finding.type {
        case .missingBackend:
            pairs = [(finding.backendKey, nil)]
        case .staleBackend:
            pairs = [(nil, finding.backendKey)]
        case .readinessDrift:
            pairs = [(finding.backendKey, finding.backendKey)]
        case .portDrift:
            guard let git = finding.desired, let live = finding.live else { return [] }
            pairs = finding.addresses.map { address in
                (
                    BackendKey(address: address, port: git.port, protocol: git.protocol, portName: git.portName),
                    BackendKey(address: address, port: live.port, protocol: live.protocol, portName: live.portName)
                )
            }
        default:
            return []
        }
        return pairs.map { sourceIsLive ? ($0.live, $0.git) : ($0.git, $0.live) }
    }
}
