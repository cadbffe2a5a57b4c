import Drift
import Testing

/// `clusters:` in `.endpoint-drift.yaml`.
@Suite struct ClusterMapTests {
    @Test func readsEveryField() throws {
        let configuration = try DriftConfiguration.parse(
            """
            version: 1
            clusters:
              - name: prod-eu
                context: prod-eu-admin
                kubeconfig: ~/.kube/prod.yaml
                paths: [clusters/prod-eu, common]
                namespaces: [shop, payments]
              - name: prod-us
                inCluster: true
                path: clusters/prod-us
              - name: lab
                liveFile: snapshots/lab.json
                vars: vars/lab.env
                variables: {NAS_IP: 192.0.2.10, _PORT2: "8080"}
                varsFromCluster: true
            """)
        #expect(configuration.warnings.isEmpty)
        #expect(configuration.clusters.map(\.name) == ["prod-eu", "prod-us", "lab"])
        let eu = try #require(configuration.cluster(named: "prod-eu"))
        #expect(eu.context == "prod-eu-admin")
        #expect(eu.kubeconfig == "~/.kube/prod.yaml")
        #expect(eu.paths == ["clusters/prod-eu", "common"])
        #expect(eu.namespaces == ["shop", "payments"])
        #expect(eu.line == 3)
        #expect(configuration.cluster(named: "prod-us")?.inCluster == true)
        #expect(configuration.cluster(named: "prod-us")?.paths == ["clusters/prod-us"])
        #expect(configuration.cluster(named: "lab")?.liveFile == "snapshots/lab.json")
        #expect(configuration.cluster(named: "lab")?.variableFiles == ["vars/lab.env"])
        #expect(configuration.cluster(named: "lab")?.variables == ["NAS_IP": "192.0.2.10", "_PORT2": "8080"])
        #expect(configuration.cluster(named: "lab")?.variablesFromCluster == true)
        #expect(eu.variablesFromCluster == nil)
        #expect(configuration.cluster(named: "nope") == nil)
    }

    @Test func noMapIsAnEmptyList() throws {
        #expect(try DriftConfiguration.parse("namespaces: {exclude: [kube-system]}\n").clusters.isEmpty)
        #expect(try DriftConfiguration.parse("clusters:\n").clusters.isEmpty)
    }

    @Test(arguments: [
        ("clusters: {prod: {context: x}}", "clusters: expected a list"),
        ("clusters:\n  - context: x", "clusters[0]: 'name' is required"),
        ("clusters:\n  - name: prod\n  - name: prod", "the name 'prod' is already used at line 2"),
        ("clusters:\n  - name: 'prod eu'", "is not a cluster name"),
        ("clusters:\n  - name: prod/eu", "is not a cluster name"),
        ("clusters:\n  - {name: prod, namespace: shop, contxt: x}", "unknown key 'contxt'"),
        ("clusters:\n  - {name: prod, inCluster: true, context: x}", "inCluster does not use a kubeconfig"),
        ("clusters:\n  - {name: prod, inCluster: true, liveFile: x.json}", "inCluster and liveFile exclude each other"),
        ("clusters:\n  - {name: prod, inCluster: yes please}", "inCluster: expected true or false"),
        ("clusters:\n  - {name: prod, paths: ['']}", "a path must not be empty"),
        ("clusters:\n  - {name: prod, variables: [NAS_IP]}", "variables: expected a map"),
        ("clusters:\n  - {name: prod, variables: {1NAS: x}}", "variable names are letters"),
        ("clusters:\n  - {name: prod, variables: {NAS: {a: b}}}", "variables.NAS: expected text"),
        ("clusters:\n  - {name: prod, varsFromCluster: maybe}", "varsFromCluster: expected true or false"),
        ("clusters:\n  - {name: prod, vars: ['']}", "a file name must not be empty"),
    ])
    func rejectsMistakesWithTheLine(text: String, message: String) {
        #expect {
            try DriftConfiguration.parse(text, path: "cfg.yaml")
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("cfg.yaml:") && description.contains(message)
        }
    }

    @Test func namesAreSafeForLabelsAndURLs() {
        for name in ["prod", "prod-eu-1", "eu.west_2", "A1"] { #expect(ClusterEntry.isValidName(name)) }
        for name in ["", "-prod", "prod eu", "prod/eu", "prod%2F", "ü", String(repeating: "a", count: 64)] {
            #expect(!ClusterEntry.isValidName(name))
        }
    }
}
