import Foundation

/// Compares output with a checked-in golden file; `UPDATE_GOLDEN=1` rewrites the file instead, so
/// that a deliberate change to an output format is one command and a reviewed diff.
public enum GoldenFile {
    public static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// `nil` when `actual` equals the file (or the file was rewritten); otherwise a message with the
    /// first differing line.
    public static func mismatch(_ actual: String, path: String) -> String? {
        if updating {
            do {
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try actual.write(toFile: path, atomically: true, encoding: .utf8)
                return nil
            } catch {
                return "cannot write \(path): \(error)"
            }
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            return "no golden file \(path); run the tests with UPDATE_GOLDEN=1 to create it"
        }
        guard expected != actual else { return nil }
        let expectedLines = expected.components(separatedBy: "\n")
        let actualLines = actual.components(separatedBy: "\n")
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let want = index < expectedLines.count ? expectedLines[index] : "<end of file>"
            let got = index < actualLines.count ? actualLines[index] : "<end of output>"
            if want != got {
                return
                    "\(path):\(index + 1) differs (UPDATE_GOLDEN=1 rewrites it)\n  expected: \(want)\n  actual:   \(got)"
            }
        }
        return "\(path) differs"
    }
}
