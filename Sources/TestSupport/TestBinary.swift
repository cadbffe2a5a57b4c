import Foundation

/// The built `endpoint-drift` executable, for end-to-end tests. `swift build --build-tests` puts it
/// beside the test bundle; the `.build/debug` link is the fallback.
public enum TestBinary {
    public static var endpointDrift: String {
        get throws {
            var candidates: [String] = []
            if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
                var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
                // The test runner may sit inside `X.xctest/` on some platforms.
                for _ in 0..<4 {
                    candidates.append(folder.appendingPathComponent("endpoint-drift").path)
                    folder = folder.deletingLastPathComponent()
                }
            }
            candidates.append(Fixtures.repositoryRoot.appendingPathComponent(".build/debug/endpoint-drift").path)
            for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
            throw MissingBinary(searched: candidates)
        }
    }

    public struct MissingBinary: Error, CustomStringConvertible {
        public let searched: [String]
        public var description: String {
            "endpoint-drift is not built (run swift build --build-tests); looked at \(searched.joined(separator: ", "))"
        }
    }
}
