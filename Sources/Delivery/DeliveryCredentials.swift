/// How to authenticate to a Pushgateway or a webhook receiver, taken from environment variables
/// so that secrets never appear on a command line, in a process list or in a workflow file.
/// The value is only ever put in an `Authorization` header; it is a `Secret` from the moment it is
/// read, so neither `description`, `dump` nor a debug print shows it.
public enum DeliveryCredentials: Sendable, CustomStringConvertible {
    case none
    case bearer(Secret)
    case basic(username: String, password: Secret)

    /// `<PREFIX>_TOKEN` (a bearer token) or `<PREFIX>_USERNAME` and `<PREFIX>_PASSWORD`; the token
    /// wins when both are set. Empty values count as unset.
    public static func from(environment: [String: String], prefix: String) -> DeliveryCredentials {
        func value(_ suffix: String) -> String? {
            guard let text = environment["\(prefix)_\(suffix)"], !text.isEmpty else { return nil }
            return text
        }
        if let token = value("TOKEN") { return .bearer(Secret(token)) }
        if let username = value("USERNAME") {
            return .basic(username: username, password: Secret(value("PASSWORD") ?? ""))
        }
        return .none
    }

    public var description: String {
        switch self {
        case .none: "no credentials"
        case .bearer: "a bearer token"
        case .basic(let username, _): "user \(username) (basic auth)"
        }
    }
}
