import Foundation

/// A credential (token, password, private key, certificate) that must never reach any output.
///
/// Printing, interpolating, `dump` and debug descriptions all show `<redacted>`, so that a secret
/// stored inside a larger value (a parsed kubeconfig user, an exec plugin's answer) cannot leak
/// through an error message or a debug print by accident. Only `reveal()` gives the bytes, at the
/// one place they are sent.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let bytes: [UInt8]

    public init(_ text: String) { bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ data: Data) { bytes = Array(data) }

    public var isEmpty: Bool { bytes.isEmpty }

    /// The secret's bytes, for the one place that sends them.
    public func reveal() -> [UInt8] { bytes }
    public func revealText() -> String { String(decoding: bytes, as: UTF8.self) }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
