import DesiredState
import Manifests
import Testing

@Suite struct KustomizeBuildTests {
    @Test func namespaceOfAKustomizationOverridesMetadataNamespace() {
        let output = BuildHarness([
            "apps/kustomization.yaml": "namespace: storage\nresources: [nas.yaml]\n",
            "apps/nas.yaml": Manifest.service("nas", namespace: "default") + "---\n"
                + Manifest.endpoints("nas", ip: "192.0.2.10", namespace: "default"),
        ]).run()
        #expect(output.refs == ["Endpoints/storage/nas", "Service/storage/nas"])
        #expect(output.record("Service/storage/nas")?.namespaceRule == .kustomization(path: "apps/kustomization.yaml"))
        #expect(output.record("Service/storage/nas")?.build == "kustomization apps/kustomization.yaml")
        #expect(output.errors.isEmpty)
    }

    @Test func aFileNoKustomizationIncludesIsNotDeployed() {
        let output = BuildHarness([
            "apps/kustomization.yaml": "resources: [nas.yaml]\n",
            "apps/nas.yaml": Manifest.service("nas"),
            "apps/draft.yaml": Manifest.service("draft"),
            "loose/plain.yaml": Manifest.service("plain", namespace: "legacy"),
        ]).run()
        #expect(output.refs == ["Service/default/nas", "Service/legacy/plain"])
        let note = output.notes.first { $0.path == "apps/draft.yaml" }
        #expect(note?.reason == .notIncluded)
        #expect(note?.message.contains("not included by any kustomization") == true)
        #expect(output.excludedFiles.contains("apps/draft.yaml"))
    }

    @Test func overlaysBuildTheBaseInTheirOwnNamespaceWithPrefixes() {
        let files = [
            "base/kustomization.yaml": "resources: [db.yaml]\n",
            "base/db.yaml": Manifest.service("db") + "---\n" + Manifest.endpoints("db", ip: "192.0.2.1") + "---\n"
                + Manifest.slice("db-1", service: "db", ip: "192.0.2.1"),
            "overlays/prd/kustomization.yaml": "namespace: prd\nnamePrefix: prd-\nresources: [../../base]\n",
        ]
        let output = BuildHarness(files).run()
        // The slice's kubernetes.io/service-name label is not renamed by kustomize: it backs nothing.
        #expect(
            output.refs == ["EndpointSlice/prd/prd-db-1", "Endpoints/prd/prd-db", "Service/prd/prd-db"])
        let slice = output.record("EndpointSlice/prd/prd-db-1")
        #expect(slice?.serviceKey == ServiceKey(namespace: "prd", name: "db"))
        #expect(slice?.source?.path == "base/db.yaml")
        #expect(slice?.source?.line == 21)
    }

    @Test func onlyTheSelectedOverlayIsBuiltWhenAPathIsGiven() {
        var harness = BuildHarness([
            "base/kustomization.yaml": "resources: [db.yaml]\n",
            "base/db.yaml": Manifest.service("db"),
            "overlays/prd/kustomization.yaml": "namespace: prd\nresources: [../../base]\n",
            "overlays/stg/kustomization.yaml": "namespace: stg\nresources: [../../base]\n",
        ])
        harness.selected = { $0.hasPrefix("overlays/prd/") }
        harness.entries = { $0.hasPrefix("overlays/prd") }
        #expect(harness.run().refs == ["Service/prd/db"])
    }

    @Test func aBrokenKustomizationOutsideTheSelectionIsNotReported() {
        var harness = BuildHarness([
            "prd/kustomization.yaml": "namespace: prd\nresources: [../base]\n",
            "base/kustomization.yaml": "resources: [db.yaml, gone.yaml]\n",
            "base/db.yaml": Manifest.service("db"),
            "stg/kustomization.yaml": "resources: [missing.yaml]\n",
        ])
        harness.selected = { $0.hasPrefix("prd/") }
        harness.entries = { $0.hasPrefix("prd") }
        let output = harness.run()
        // The base is reached from the selected overlay: its error counts; stg's does not.
        #expect(output.errors.map(\.path) == ["base/kustomization.yaml"])
        #expect(output.refs == ["Service/prd/db"])
    }

    @Test func commonLabelsGiveTheServiceASelector() {
        let output = BuildHarness([
            "kustomization.yaml": "commonLabels: {app: nas}\nresources: [nas.yaml]\n",
            "nas.yaml": Manifest.service("nas"),
        ]).run()
        guard case .service(let service)? = output.record("Service/default/nas")?.object else {
            Issue.record("no Service")
            return
        }
        #expect(service.selector == ["app": "nas"])
        #expect(service.metadata.labels["app"] == "nas")
    }

    @Test func labelsWithoutIncludeSelectorsLeaveTheSelectorAlone() {
        let output = BuildHarness([
            "kustomization.yaml": "labels:\n  - pairs: {team: storage}\nresources: [nas.yaml]\n",
            "nas.yaml": Manifest.service("nas"),
        ]).run()
        guard case .service(let service)? = output.record("Service/default/nas")?.object else {
            Issue.record("no Service")
            return
        }
        #expect(service.selector.isEmpty)
        #expect(service.metadata.labels["team"] == "storage")
    }

    @Test func componentsAddResourcesAndTransformWhatTheParentHas() {
        let output = BuildHarness([
            "app/kustomization.yaml": "namespace: net\nresources: [svc.yaml]\ncomponents: [../extra]\n",
            "app/svc.yaml": Manifest.service("nas"),
            "extra/kustomization.yaml":
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [ep.yaml]\n"
                + "commonAnnotations: {endpoint-drift.io/ignore: \"true\"}\n",
            "extra/ep.yaml": Manifest.endpoints("nas", ip: "192.0.2.10"),
        ]).run()
        #expect(output.refs == ["Endpoints/net/nas", "Service/net/nas"])
        #expect(output.record("Service/net/nas")?.object.metadata.annotations["endpoint-drift.io/ignore"] == "true")
        #expect(output.errors.isEmpty)
    }

    @Test func aMissingResourceIsAnErrorAtItsLine() {
        let output = BuildHarness([
            "app/kustomization.yaml": "resources:\n  - svc.yaml\n  - gone.yaml\n",
            "app/svc.yaml": Manifest.service("nas"),
        ]).run()
        #expect(output.errors.count == 1)
        #expect(output.errors.first?.path == "app/kustomization.yaml")
        #expect(output.errors.first?.line == 3)
        #expect(output.errors.first?.message.contains("gone.yaml is not in this commit") == true)
        #expect(output.refs == ["Service/default/nas"])
    }

    @Test func aFolderResourceWithoutKustomizationIsAnError() {
        let output = BuildHarness([
            "app/kustomization.yaml": "resources: [db]\n",
            "app/db/svc.yaml": Manifest.service("db"),
        ]).run()
        #expect(output.errors.first?.message.contains("folder without a kustomization file") == true)
    }

    @Test func remoteResourcesAreNamedAndJSONPatchesApplied() {
        let output = BuildHarness([
            "app/kustomization.yaml": """
            resources:
              - https://github.com/example/bases//db?ref=v1
              - ep.yaml
            patches:
              - target: {kind: Endpoints, name: nas}
                patch: |-
                  - op: replace
                    path: /subsets/0/addresses/0/ip
                    value: 192.0.2.99

            """,
            "app/ep.yaml": Manifest.service("nas") + "---\n" + Manifest.endpoints("nas", ip: "192.0.2.10"),
        ]).run()
        #expect(output.notes.contains { $0.reason == .notReproduced && $0.message.contains("remote resource") })
        #expect(output.refs == ["Endpoints/default/nas", "Service/default/nas"])
        #expect(output.addresses("Endpoints/default/nas") == ["192.0.2.99"])
        let endpoints = output.record("Endpoints/default/nas")
        #expect(
            endpoints?.build
                == "kustomization app/kustomization.yaml, patches app/kustomization.yaml:5, addresses from a patch fix cannot edit"
        )
        // The patch writes the address: that is where it is written.
        #expect(endpoints?.source?.path == "app/kustomization.yaml")
        #expect(output.record("Service/default/nas")?.source?.path == "app/ep.yaml")
    }

    @Test func overlaysPatchTheBaseAddressesPerCluster() {
        let files = [
            "base/kustomization.yaml": "resources: [db.yaml]\n",
            "base/db.yaml": Manifest.service("db") + "---\n" + Manifest.endpoints("db", ip: "192.0.2.1"),
            "overlays/prd/kustomization.yaml":
                "namespace: prd\nresources: [../../base]\npatchesStrategicMerge: [endpoints.yaml]\n",
            "overlays/prd/endpoints.yaml": """
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: db
            subsets:
              - addresses:
                  - ip: 192.0.2.51
                  - ip: 192.0.2.52
                ports:
                  - name: http
                    port: 5000

            """,
            "overlays/stg/kustomization.yaml": """
            namespace: stg
            resources: [../../base]
            patches:
              - patch: |-
                  apiVersion: v1
                  kind: Service
                  metadata: {name: db}
                  spec:
                    ports:
                      - port: 5000
                        name: http
                        appProtocol: http
                      - port: 9000
                        name: admin

            """,
        ]
        var prd = BuildHarness(files)
        prd.entries = { $0.hasPrefix("overlays/prd") }
        prd.selected = { $0.hasPrefix("overlays/prd") }
        let output = prd.run()
        #expect(output.refs == ["Endpoints/prd/db", "Service/prd/db"])
        #expect(output.addresses("Endpoints/prd/db") == ["192.0.2.51", "192.0.2.52"])
        #expect(output.record("Endpoints/prd/db")?.source?.path == "overlays/prd/endpoints.yaml")
        #expect(output.record("Endpoints/prd/db")?.source?.line == 1)
        guard case .endpoints(let endpoints)? = output.record("Endpoints/prd/db")?.object else { return }
        #expect(endpoints.subsets.first?.addresses.map(\.line) == [7, 8])

        var stg = BuildHarness(files)
        stg.entries = { $0.hasPrefix("overlays/stg") }
        stg.selected = { $0.hasPrefix("overlays/stg") }
        let staging = stg.run()
        guard case .service(let service)? = staging.record("Service/stg/db")?.object else {
            Issue.record("no Service")
            return
        }
        // Service ports merge on their number: 5000 gains appProtocol, 9000 is added.
        #expect(service.ports.map(\.port) == [5000, 9000])
        #expect(service.ports.first?.appProtocol == "http")
        #expect(staging.addresses("Endpoints/stg/db") == ["192.0.2.1"])
    }

    @Test func aDeletePatchRemovesTheObjectAndAMissingReplacementSourceIsNotGuessed() {
        let output = BuildHarness([
            "app/kustomization.yaml": """
            resources: [ep.yaml]
            patches:
              - patch: |-
                  $patch: delete
                  apiVersion: v1
                  kind: Endpoints
                  metadata: {name: old}
            replacements:
              - source: {kind: ConfigMap, name: ips, fieldPath: data.NAS}
                targets:
                  - select: {kind: Endpoints}
                    fieldPaths: [subsets.0.addresses.0.ip]

            """,
            "app/ep.yaml": Manifest.endpoints("old", ip: "192.0.2.1") + "---\n"
                + Manifest.endpoints("nas", ip: "192.0.2.2"),
        ]).run()
        #expect(output.refs.isEmpty)
        #expect(output.uncomparable.map(\.ref.description) == ["Endpoints/default/nas"])
        #expect(
            output.uncomparable.first?.reason.contains(
                "kustomize replacements (app/kustomization.yaml:9): the source ConfigMap/ips is not in this build")
                == true, "\(output.uncomparable)")
        #expect(output.notes.contains { $0.reason == .notReproduced && $0.message.contains("Endpoints/default/nas") })
    }

    static let replacementBase: [String: String] = [
        "base/kustomization.yaml": "resources: [nas.yaml, settings.yaml]\n",
        "base/settings.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: nas-settings}
        data:
          NAS_IP: 192.0.2.50
          NAS_HOSTPORT: "192.0.2.60:5000"

        """,
        "base/nas.yaml": Manifest.service("nas") + "---\n" + Manifest.endpoints("nas", ip: "192.0.2.1") + "---\n"
            + Manifest.slice("nas-1", service: "nas", ip: "192.0.2.1"),
    ]

    @Test func replacementsCopyAFieldOfTheBuildIntoTheAddresses() throws {
        var files = Self.replacementBase
        files["base/kustomization.yaml"] = """
            resources: [nas.yaml, settings.yaml]
            replacements:
              - source: {kind: ConfigMap, name: nas-settings, fieldPath: data.NAS_IP}
                targets:
                  - select: {kind: Endpoints, name: nas}
                    fieldPaths: [subsets.0.addresses.0.ip]
                  - select: {kind: EndpointSlice}
                    reject: [{name: other}]
                    fieldPaths: ["endpoints.*.addresses.0"]

            """
        let output = BuildHarness(files).run()
        #expect(output.errors.isEmpty)
        #expect(output.uncomparable.isEmpty, "\(output.uncomparable)")
        #expect(output.addresses("Endpoints/default/nas") == ["192.0.2.50"])
        #expect(output.addresses("EndpointSlice/default/nas-1") == ["192.0.2.50"])
        let endpoints = try #require(output.record("Endpoints/default/nas"))
        #expect(endpoints.build?.contains("replacements base/kustomization.yaml:3") == true, "\(endpoints.build ?? "")")
        // The address is decided by the replacement: that is where findings point.
        #expect(endpoints.source?.path == "base/kustomization.yaml")
        #expect(endpoints.source?.line == 3)
    }

    @Test func anOverlayReplacementFindsTheSourceByItsNameBeforeThePrefix() throws {
        var files = Self.replacementBase
        files["overlays/prd/kustomization.yaml"] = """
            namespace: prd
            namePrefix: prd-
            resources: [../../base]
            replacements:
              - path: replacements.yaml

            """
        files["overlays/prd/replacements.yaml"] = """
            - source:
                kind: ConfigMap
                name: nas-settings
                fieldPath: data.NAS_HOSTPORT
                options: {delimiter: ":", index: 0}
              targets:
                - select: {kind: Endpoints}
                  fieldPaths: ["subsets.0.addresses.[ip=192.0.2.1].ip"]

            """
        var harness = BuildHarness(files)
        harness.selected = { $0.hasPrefix("overlays/") }
        harness.entries = { $0.hasPrefix("overlays/") }
        let output = harness.run()
        #expect(output.errors.isEmpty, "\(output.errors)")
        #expect(output.addresses("Endpoints/prd/prd-nas") == ["192.0.2.60"])
        // The slice is not a target: kept as written.
        #expect(output.addresses("EndpointSlice/prd/prd-nas-1") == ["192.0.2.1"])
        #expect(output.record("Endpoints/prd/prd-nas")?.source?.path == "overlays/prd/replacements.yaml")
    }

    @Test(arguments: [
        (
            "{kind: ConfigMap, name: nas-settings, fieldPath: data.NOPE}",
            "the source ConfigMap/nas-settings has no data.NOPE"
        ),
        ("{kind: ConfigMap, name: other}", "the source ConfigMap/other is not in this build"),
        ("{kind: Endpoints}", "more than one object matches the source Endpoints"),
        (
            "{kind: ConfigMap, name: nas-settings, fieldPath: data.NAS_IP, options: {delimiter: '.', index: 9}}",
            "options.index 9 is out of bounds for value 192.0.2.50"
        ),
    ])
    func aReplacementKustomizeFailsOnLeavesItsTargetsUndecided(source: String, expected: String) {
        var files = Self.replacementBase
        files["base/nas.yaml"]! += "---\n" + Manifest.endpoints("other", ip: "192.0.2.9")
        files["base/kustomization.yaml"] = """
            resources: [nas.yaml, settings.yaml]
            replacements:
              - source: \(source)
                targets:
                  - select: {kind: Endpoints, name: nas}
                    fieldPaths: [subsets.0.addresses.0.ip]

            """
        let output = BuildHarness(files).run()
        #expect(output.uncomparable.map(\.ref.description) == ["Endpoints/default/nas"])
        #expect(output.uncomparable.first?.reason.contains(expected) == true, "\(output.uncomparable)")
        // An object no target selects is built as usual.
        #expect(output.addresses("Endpoints/default/other") == ["192.0.2.9"])
    }

    @Test func aTargetPathThatReachesNothingChangesNothingAsInKustomize() {
        var files = Self.replacementBase
        files["base/kustomization.yaml"] = """
            resources: [nas.yaml, settings.yaml]
            replacements:
              - source: {kind: ConfigMap, name: nas-settings, fieldPath: data.NAS_IP}
                targets:
                  - select: {kind: Endpoints}
                    fieldPaths: [subsets.0.addresses.0.hostname, subsets.0.addresses.3.ip, "subsets.0.addresses.[ip=x].ip"]

            """
        let output = BuildHarness(files).run()
        #expect(output.uncomparable.isEmpty, "\(output.uncomparable)")
        #expect(output.addresses("Endpoints/default/nas") == ["192.0.2.1"])
    }

    @Test func aScalarTargetKeepsItsType() throws {
        var files = Self.replacementBase
        files["base/settings.yaml"]! += "  NAS_PORT: \"6000\"\n"
        files["base/kustomization.yaml"] = """
            resources: [nas.yaml, settings.yaml]
            replacements:
              - source: {kind: ConfigMap, name: nas-settings, fieldPath: data.NAS_PORT}
                targets:
                  - select: {kind: Service, name: nas}
                    fieldPaths: ["spec.ports.[name=http].port"]

            """
        let output = BuildHarness(files).run()
        #expect(output.uncomparable.isEmpty, "\(output.uncomparable)")
        guard case .service(let service)? = output.record("Service/default/nas")?.object else {
            Issue.record("no Service: \(output.refs)")
            return
        }
        #expect(service.ports.map(\.port) == [6000])
    }

    @Test func createAddsTheMissingField() throws {
        var files = Self.replacementBase
        files["base/kustomization.yaml"] = """
            resources: [nas.yaml, settings.yaml]
            replacements:
              - source: {kind: ConfigMap, name: nas-settings, fieldPath: data.NAS_IP}
                targets:
                  - select: {kind: Service}
                    fieldPaths: [metadata.annotations.nas-ip]
                    options: {create: true}

            """
        let output = BuildHarness(files).run()
        #expect(output.uncomparable.isEmpty, "\(output.uncomparable)")
        #expect(output.record("Service/default/nas") != nil)
        // A Service is not a replacement's address: the Endpoints are untouched and still fast.
        #expect(output.addresses("Endpoints/default/nas") == ["192.0.2.1"])
    }

    @Test func aCycleIsReportedOnce() {
        let output = BuildHarness([
            "a/kustomization.yaml": "resources: [../b]\n",
            "b/kustomization.yaml": "resources: [../a]\n",
            "root/kustomization.yaml": "resources: [../a]\n",
        ]).run()
        #expect(output.errors.contains { $0.message.contains("cycle") })
    }
}
