import Testing

@testable import Scanner

@Suite struct GlobTests {
    @Test(arguments: [
        ("*.yaml", "a/b/c.yaml", true),
        ("*.yaml", "c.yml", false),
        ("clusters/*/ep.yaml", "clusters/prod/ep.yaml", true),
        ("clusters/*/ep.yaml", "clusters/prod/x/ep.yaml", false),
        ("clusters/**/ep.yaml", "clusters/prod/x/ep.yaml", true),
        ("clusters/**/ep.yaml", "clusters/ep.yaml", true),
        ("**/templates/**", "charts/x/templates/a.yaml", true),
        ("db-?.yaml", "db-1.yaml", true),
        ("db-[0-9].yaml", "db-7.yaml", true),
        ("db-[!0-9].yaml", "db-7.yaml", false),
        ("./apps/*.json", "apps/a.json", true),
    ])
    func matches(pattern: String, path: String, expected: Bool) {
        #expect(Glob(pattern).matches(path) == expected)
    }

    @Test func pathFilterSelectsPrefixesIncludesAndExcludes() {
        let filter = PathFilter(prefixes: ["./clusters/prod/"], excludes: ["**/secrets/**"])
        #expect(filter.selects("clusters/prod/db.yaml"))
        #expect(!filter.selects("clusters/production/db.yaml"))
        #expect(!filter.selects("clusters/prod/secrets/s.yaml"))
        #expect(!filter.selects("clusters/prod/readme.md"))
        #expect(filter.shouldDescend(into: "clusters"))
        #expect(filter.shouldDescend(into: "clusters/prod/x"))
        #expect(!filter.shouldDescend(into: "apps"))
    }
}

/// The automaton must agree with the backtracking matcher it replaced, and stay fast where that one
/// was exponential.
@Suite struct GlobLinearTimeTests {
    /// The former matcher, kept as the reference.
    static func reference(_ pattern: ArraySlice<UInt8>, _ subject: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var s = subject.startIndex
        while p < pattern.endIndex {
            let char = pattern[p]
            switch char {
            case UInt8(ascii: "*"):
                if p + 1 < pattern.endIndex && pattern[p + 1] == UInt8(ascii: "*") {
                    var rest = p + 2
                    if rest < pattern.endIndex && pattern[rest] == UInt8(ascii: "/") { rest += 1 }
                    if rest == pattern.endIndex { return true }
                    var candidate = s
                    while true {
                        if reference(pattern[rest...], subject[candidate...]) { return true }
                        guard let slash = subject[candidate...].firstIndex(of: UInt8(ascii: "/")) else { return false }
                        candidate = slash + 1
                    }
                }
                var candidate = s
                while true {
                    if reference(pattern[(p + 1)...], subject[candidate...]) { return true }
                    guard candidate < subject.endIndex, subject[candidate] != UInt8(ascii: "/") else { return false }
                    candidate += 1
                }
            case UInt8(ascii: "?"):
                guard s < subject.endIndex, subject[s] != UInt8(ascii: "/") else { return false }
                p += 1
                s += 1
            default:
                guard s < subject.endIndex, subject[s] == char else { return false }
                p += 1
                s += 1
            }
        }
        return s == subject.endIndex
    }

    @Test("random patterns and paths agree with the backtracking matcher")
    func agreesWithReference() {
        var generator = SplitMix(seed: 12)
        let patternParts = ["*", "**", "**/", "?", "a", "b", "/", "a/", "*/", "[ab]", "[!a]"]
        let pathParts = ["a", "b", "c", "/", "ab", "ba/"]
        for _ in 0..<20_000 {
            let pattern = (0..<Int(generator.next() % 6)).map { _ in patternParts[Int(generator.next() % 11)] }.joined()
            let path = (0..<Int(generator.next() % 8)).map { _ in pathParts[Int(generator.next() % 6)] }.joined()
            let glob = Glob(pattern)
            // Classes are checked by the table above; the reference has none.
            guard !pattern.contains("["), !pattern.hasPrefix("/"), !pattern.hasPrefix("./") else { continue }
            var subject = Array(path.utf8)[...]
            if !pattern.contains("/"), let slash = subject.lastIndex(of: UInt8(ascii: "/")) {
                subject = subject[(slash + 1)...]
            }
            #expect(
                glob.matches(path) == Self.reference(Array(pattern.utf8)[...], subject), "\(pattern) on \(path)")
        }
    }

    @Test("stars against a long name finish (the backtracking matcher never did)")
    func noBacktracking() {
        let name = String(repeating: "a", count: 20_000) + ".yaml"
        let started = ContinuousClock.now
        #expect(!Glob("*a*a*a*a*a*a*a*a*a*a*a*b").matches(name))
        #expect(!Glob("**/**/**/**/**/**/x").matches(String(repeating: "a/", count: 2_000) + "y"))
        #expect(Glob("*a*a*a*a*a*a*a*a*a*a*a*.yaml").matches(name))
        // A hang bound only: the old matcher took longer than the age of the universe.
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}

/// A small seeded generator, so that a failure can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
