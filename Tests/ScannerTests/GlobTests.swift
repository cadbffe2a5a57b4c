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
