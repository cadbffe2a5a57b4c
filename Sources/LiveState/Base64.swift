import Foundation

/// Base64 as kubeconfig `*-data` fields and exec plugins write it: standard alphabet, padding
/// optional, line breaks and spaces ignored.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var cleaned = text.filter { !$0.isWhitespace }
        let remainder = cleaned.utf8.count % 4
        if remainder == 2 || remainder == 3 { cleaned += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: cleaned).map(Array.init)
    }
}
