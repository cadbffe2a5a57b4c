import Drift
import Manifests
import Testing

@testable import EndpointDriftKit

/// `fix` copies the cluster's backends into git except where `check` would ignore the difference.
@Suite struct FixTargetsTests {
    let service = ServiceKey(namespace: "shop", name: "db")

    func inventory(_ backends: [Backend]) -> ServiceInventory {
        var inventory = ServiceInventory()
        inventory.updateBackends(of: service) { set in for backend in backends { set.insert(backend, origin: nil) } }
        return inventory
    }

    func finding(_ type: FindingType, _ key: BackendKey? = nil, ignored: Bool = true) -> Finding {
        Finding(
            type: type, service: service, address: key?.address, port: key?.port, protocol: key?.protocol,
            portName: key?.portName, message: "", ignoredBy: ignored ? "test" : nil)
    }

    @Test func ignoredFindingsKeepGitsSideAndOthersTakeTheClusters() {
        let git = inventory([
            Backend(address: "10.0.0.1", port: 5432), Backend(address: "10.0.0.2", port: 5432),
            Backend(address: "10.0.0.3", port: 5432, ready: true), Backend(address: "10.0.0.9", port: 5432),
        ])
        let live = inventory([
            Backend(address: "10.0.0.1", port: 5432), Backend(address: "10.0.0.3", port: 5432, ready: false),
            Backend(address: "10.0.0.4", port: 5432), Backend(address: "10.0.0.5", port: 5432),
        ])
        let findings = [
            finding(.missingBackend, Backend(address: "10.0.0.2", port: 5432).key),  // ignored: stays in git
            finding(.missingBackend, Backend(address: "10.0.0.9", port: 5432).key, ignored: false),  // removed
            finding(.readinessDrift, Backend(address: "10.0.0.3", port: 5432).key),  // ignored: stays ready
            finding(.staleBackend, Backend(address: "10.0.0.4", port: 5432).key),  // ignored: not added
            finding(.staleBackend, Backend(address: "10.0.0.5", port: 5432).key, ignored: false),  // added
        ]
        let target = FixTargets.keepingIgnored(source: live, kept: git, findings: findings, sourceIsLive: true)
        let backends = target[service]?.backends.backends ?? []
        #expect(backends.map(\.address) == ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.5"])
        #expect(backends.first { $0.address == "10.0.0.3" }?.ready == true)
    }

    @Test func anIgnoredPortChangeKeepsGitsPortOnEveryAddress() {
        let git = inventory([
            Backend(address: "10.0.0.1", port: 9444, portName: "admin"),
            Backend(address: "10.0.0.2", port: 9444, portName: "admin"),
        ])
        let live = inventory([
            Backend(address: "10.0.0.1", port: 9443, portName: "admin"),
            Backend(address: "10.0.0.2", port: 9443, portName: "admin"),
        ])
        var portDrift = finding(.portDrift)
        portDrift.addresses = ["10.0.0.1", "10.0.0.2"]
        portDrift.desired = BackendSide(port: 9444, protocol: "TCP", portName: "admin")
        portDrift.live = BackendSide(port: 9443, protocol: "TCP", portName: "admin")
        let toLive = FixTargets.keepingIgnored(source: live, kept: git, findings: [portDrift], sourceIsLive: true)
        #expect(toLive[service]?.backends == git[service]?.backends)
        // --to git: the objects to apply keep the cluster's port.
        let toGit = FixTargets.keepingIgnored(source: git, kept: live, findings: [portDrift], sourceIsLive: false)
        #expect(toGit[service]?.backends == live[service]?.backends)
    }
}
