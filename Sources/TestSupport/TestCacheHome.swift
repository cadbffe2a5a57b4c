import Foundation

/// `XDG_CACHE_HOME` for every program the tests run: one folder per test process, removed when it
/// exits, so that runs of the binary share a cache as a user's runs do, but never the user's own.
public enum TestCacheHome {
    public static let path: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "endpoint-drift-test-cache-\(getpid())"
        ).path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestCacheHome.path) }
        return path
    }()
}
