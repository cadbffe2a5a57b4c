import Foundation
import Manifests

/// What an exec plugin printed: a bearer token and/or a client certificate, maybe with an expiry.
public struct ExecCredential: Sendable {
    public var token: Secret?
    public var clientCertificatePEM: Secret?
    public var clientKeyPEM: Secret?
    public var expiration: Date?

    public init(
        token: Secret? = nil, clientCertificatePEM: Secret? = nil, clientKeyPEM: Secret? = nil, expiration: Date? = nil
    ) {
        self.token = token
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.expiration = expiration
    }

    /// Parses the plugin's stdout. The reason returned on failure never quotes the output, which is
    /// a credential.
    public static func parse(_ output: [UInt8], expectedAPIVersion: String) -> Result<ExecCredential, ExecOutputError> {
        let parsed: Result<Node, ManifestError> = output.withUnsafeBytes { bytes in
            Result { () throws(ManifestError) in try JSONReader.parse(bytes) }
        }
        let root: Node
        switch parsed {
        case .success(let node): root = node
        case .failure(let error):
            return .failure(ExecOutputError(reason: "is not JSON (line \(error.line), column \(error.column))"))
        }
        guard case .mapping(let mapping) = root else {
            return .failure(ExecOutputError(reason: "is not a JSON object"))
        }
        guard mapping["kind"]?.scalar?.value == "ExecCredential" else {
            return .failure(ExecOutputError(reason: "is not an ExecCredential (kind)"))
        }
        let apiVersion = mapping["apiVersion"]?.scalar?.value ?? ""
        guard apiVersion == expectedAPIVersion else {
            return .failure(
                ExecOutputError(
                    reason:
                        "has apiVersion \"\(apiVersion.prefix(80))\", but the kubeconfig asks for \(expectedAPIVersion)"
                ))
        }
        guard let status = mapping["status"]?.mapping else {
            return .failure(ExecOutputError(reason: "has no status"))
        }
        func text(_ key: String) -> String? {
            guard let node = status[key], case .scalar(let scalar) = node, !node.isNull, !scalar.value.isEmpty else {
                return nil
            }
            return scalar.value
        }
        var credential = ExecCredential()
        credential.token = text("token").map { Secret($0) }
        credential.clientCertificatePEM = text("clientCertificateData").map { Secret($0) }
        credential.clientKeyPEM = text("clientKeyData").map { Secret($0) }
        if let expiry = text("expirationTimestamp") {
            guard let date = RFC3339.parse(expiry) else {
                return .failure(ExecOutputError(reason: "has an expirationTimestamp that is not an RFC 3339 time"))
            }
            credential.expiration = date
        }
        switch (credential.clientCertificatePEM, credential.clientKeyPEM) {
        case (.some, nil), (nil, .some):
            return .failure(
                ExecOutputError(reason: "has only one of status.clientCertificateData and status.clientKeyData"))
        case (nil, nil) where credential.token == nil:
            return .failure(
                ExecOutputError(reason: "has neither status.token nor status.clientCertificateData/clientKeyData"))
        default:
            return .success(credential)
        }
    }
}

/// Why an exec plugin's output was not usable; never contains the output.
public struct ExecOutputError: Error, Sendable {
    public var reason: String
}
