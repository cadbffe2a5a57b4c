import Foundation
import Manifests

/// One ConfigMap or Secret to read by name (`--vars-from-cluster`).
public struct NamedObjectRequest: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case configMap = "ConfigMap"
        case secret = "Secret"

        var resource: String { self == .configMap ? "configmaps" : "secrets" }
    }

    public var kind: Kind
    public var namespace: String
    public var name: String

    public init(kind: Kind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }
}

/// What the API server answered for one `NamedObjectRequest`.
public enum NamedObjectAnswer: Sendable {
    /// The object's `data`, a Secret's values decoded from base64. Secret values are secrets:
    /// whoever holds them must not print them.
    case values([String: String])
    case notFound
    case failed(LiveError)
}

extension KubernetesAPISource {
    /// Reads ConfigMaps and Secrets by name, one GET each, over one connection. A failure of one
    /// (403, a network error) is its answer, not the end of the others.
    public func readObjects(_ requests: [NamedObjectRequest]) async -> [NamedObjectAnswer] {
        guard !requests.isEmpty else { return [] }
        let session: APISession
        do {
            session = try APISession(
                connection: connection, options: options, credentials: credentials, diagnostics: diagnostics)
        } catch {
            return requests.map { _ in .failed(error) }
        }
        var answers: [NamedObjectAnswer] = []
        for request in requests {
            answers.append(await session.readObject(request))
        }
        await session.shutdown()
        return answers
    }
}

extension APISession {
    func readObject(_ request: NamedObjectRequest) async -> NamedObjectAnswer {
        let resource = request.kind.resource
        // Names are DNS subdomains: anything else would change the URL's path.
        guard Self.isObjectName(request.name), Self.isObjectName(request.namespace) else {
            return .failed(
                LiveError(
                    kind: .configuration, operation: "get", resource: resource, namespace: request.namespace,
                    message: "\(SafeText.escape(request.name)) is not a valid object name"))
        }
        let path = "/api/v1/namespaces/\(request.namespace)/\(resource)/\(request.name)"
        let response: APIResponse
        do {
            response = try await fetch(
                path, query: [], verb: "get", resource: "\(resource)/\(request.name)", namespace: request.namespace)
        } catch {
            return .failed(error)
        }
        switch response.status {
        case 200:
            break
        case 404:
            return .notFound
        case 401:
            return .failed(
                unauthorized(response, verb: "get", resource: resource, namespace: request.namespace))
        case 403:
            return .failed(
                LiveError(
                    kind: .forbidden, operation: "get", resource: "\(resource)/\(request.name)",
                    namespace: request.namespace,
                    message: """
                        \(connection.identityDescription) may not get \(resource) in namespace \(request.namespace) (\(Self.statusLine(response))).
                        --vars-from-cluster reads the ConfigMaps and Secrets Flux substitutes from; grant it with a Role in namespace \(request.namespace):
                        - apiGroups: [""]
                          resources: ["\(resource)"]
                          resourceNames: ["\(request.name)"]
                          verbs: ["get"]
                        """))
        default:
            return .failed(
                LiveError(
                    kind: .server, operation: "get", resource: "\(resource)/\(request.name)",
                    namespace: request.namespace, message: "the API server answered \(Self.statusLine(response))"))
        }
        let root: Node? = response.body.withUnsafeReadableBytes { bytes in try? JSONReader.parse(bytes) }
        guard let mapping = root?.mapping, mapping["kind"]?.stringValue == request.kind.rawValue else {
            return .failed(
                LiveError(
                    kind: .invalidResponse, operation: "get", resource: "\(resource)/\(request.name)",
                    namespace: request.namespace, message: "the answer is not a \(request.kind.rawValue)"))
        }
        var values: [String: String] = [:]
        for entry in mapping["data"]?.mapping?.entries ?? [] {
            guard let key = entry.key.scalar?.value, let raw = entry.value.scalar?.value else { continue }
            if request.kind == .secret {
                // A value that is not text cannot be a variable; it is left out, never shown.
                guard let bytes = Base64.decode(raw), let text = String(validating: bytes, as: UTF8.self) else {
                    continue
                }
                values[key] = text
            } else {
                values[key] = raw
            }
        }
        return .values(values)
    }

    static func isObjectName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 253
            && name.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E
            }
            && name != "." && name != ".."
    }
}
