import Manifests

extension KubeObject {
    /// The object without manifest line numbers: live objects have no lines, whichever way they
    /// were decoded (trees for `--save-live`, the cursor otherwise), so that both give equal values.
    func withoutLines() -> KubeObject {
        func clear<T>(_ items: [T], _ path: WritableKeyPath<T, Int?>) -> [T] {
            items.map { item in
                var copy = item
                copy[keyPath: path] = nil
                return copy
            }
        }
        switch self {
        case .service:
            return self
        case .endpoints(var endpoints):
            endpoints.subsets = endpoints.subsets.map { subset in
                EndpointSubset(
                    addresses: clear(subset.addresses, \.line),
                    notReadyAddresses: clear(subset.notReadyAddresses, \.line), ports: clear(subset.ports, \.line))
            }
            return .endpoints(endpoints)
        case .endpointSlice(var slice):
            slice.endpoints = clear(slice.endpoints, \.line)
            slice.ports = slice.ports.map { clear($0, \.line) }
            return .endpointSlice(slice)
        }
    }
}
