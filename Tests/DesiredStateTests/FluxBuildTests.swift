import DesiredState
import Foundation
import Manifests
import Testing

/// A Flux "home-ops" layout: `ks.yaml` with targetNamespace and postBuild, the app's kustomization,
/// and the variables in a ConfigMap and a SOPS-encrypted Secret.
enum HomeOps {
    static let ks = """
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: proxy
          namespace: flux-system
        spec:
          path: ./kubernetes/apps/network/proxy/app
          targetNamespace: network
          sourceRef: {kind: GitRepository, name: home-kubernetes}
          postBuild:
            substitute:
              NAS_PORT: "5000"
            substituteFrom:
              - kind: ConfigMap
                name: cluster-settings
              - kind: Secret
                name: cluster-secrets

        """

    static let settings = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cluster-settings
          namespace: flux-system
        data:
          TIMEZONE: Europe/Berlin
          NAS_IP: 192.0.2.10

        """

    static let secrets = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: cluster-secrets
          namespace: flux-system
        stringData:
          SECRET_ROUTER_IP: ENC[AES256_GCM,data:abc,type:str]
        sops:
          version: 3.8.1

        """

    static let nas = """
        apiVersion: v1
        kind: Service
        metadata:
          name: nas
        spec:
          ports:
            - name: http
              port: ${NAS_PORT}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata:
          name: nas
          namespace: default
        subsets:
          - addresses:
              - ip: ${NAS_IP}
              - ip: "${SECRET_ROUTER_IP}"
            ports:
              - name: http
                port: ${NAS_PORT:=5000}

        """

    static var files: [String: String] {
        [
            "kubernetes/apps/network/kustomization.yaml": "resources: [./proxy/ks.yaml]\n",
            "kubernetes/apps/network/proxy/ks.yaml": ks,
            "kubernetes/apps/network/proxy/app/kustomization.yaml": "resources: [./nas.yaml]\n",
            "kubernetes/apps/network/proxy/app/nas.yaml": nas,
            "kubernetes/apps/network/proxy/app/unused.yaml": Manifest.service("unused"),
            "kubernetes/flux/vars/kustomization.yaml":
                "resources: [cluster-settings.yaml, cluster-secrets.sops.yaml]\n",
            "kubernetes/flux/vars/cluster-settings.yaml": settings,
            "kubernetes/flux/vars/cluster-secrets.sops.yaml": secrets,
        ]
    }
}

@Suite struct FluxBuildTests {
    @Test func targetNamespaceAndVariablesAreAppliedAsFluxDoes() throws {
        let output = BuildHarness(HomeOps.files).run()
        #expect(output.refs == ["Endpoints/network/nas", "Service/network/nas"])
        let endpoints = try #require(output.record("Endpoints/network/nas"))
        #expect(
            endpoints.namespaceRule
                == .fluxTargetNamespace(
                    kustomization: "flux-system/proxy", path: "kubernetes/apps/network/proxy/ks.yaml"))
        #expect(endpoints.build == "Flux Kustomization flux-system/proxy")
        // The ConfigMap's value is substituted; the SOPS-encrypted Secret's placeholder stays as written.
        #expect(output.addresses("Endpoints/network/nas") == ["192.0.2.10", "${SECRET_ROUTER_IP}"])
        guard case .endpoints(let object) = endpoints.object else { return }
        #expect(object.subsets.first?.ports.first?.port == 5000)

        let ip = try #require(endpoints.values.first { $0.field == "subsets[0].addresses[0].ip" })
        #expect(ip.written == "${NAS_IP}")
        #expect(ip.value == "192.0.2.10")
        #expect(ip.line == 17)
        #expect(ip.variables.first?.source == "ConfigMap cluster-settings")
        #expect(ip.variables.first?.location == "kubernetes/flux/vars/cluster-settings.yaml:8")

        let secret = try #require(endpoints.values.first { $0.field == "subsets[0].addresses[1].ip" })
        #expect(secret.isUnresolved)
        #expect(secret.value == nil)
        #expect(
            secret.variables.first?.hint?.contains(
                "Secret cluster-secrets (SOPS-encrypted in kubernetes/flux/vars/cluster-secrets.sops.yaml)") == true)

        let port = try #require(output.record("Service/network/nas")?.values.first)
        #expect(port.variables.first?.source == "Flux Kustomization flux-system/proxy (postBuild.substitute)")
        #expect(port.variables.first?.location == "kubernetes/apps/network/proxy/ks.yaml:13")
        #expect(output.errors.isEmpty)
    }

    @Test func theUnreferencedFileBesideTheAppIsNotDeployed() {
        let output = BuildHarness(HomeOps.files).run()
        #expect(output.notes.contains { $0.path == "kubernetes/apps/network/proxy/app/unused.yaml" })
        #expect(!output.refs.contains { $0.contains("unused") })
    }

    @Test func varsFilesFillWhatGitCannot() throws {
        var harness = BuildHarness(HomeOps.files)
        harness.variableFiles = [VariableFile(path: "vars.env", values: ["SECRET_ROUTER_IP": "192.0.2.1"])]
        let output = harness.run()
        #expect(output.addresses("Endpoints/network/nas") == ["192.0.2.10", "192.0.2.1"])
        let value = try #require(output.record("Endpoints/network/nas")?.values.first { $0.written.contains("ROUTER") })
        #expect(value.variables.first?.source == "--vars vars.env")
        #expect(!value.isUnresolved)
    }

    @Test func aPlaceholderInAPortMakesTheServiceUncomparable() {
        var files = HomeOps.files
        files["kubernetes/apps/network/proxy/ks.yaml"] = HomeOps.ks.replacingOccurrences(
            of: "NAS_PORT: \"5000\"", with: "OTHER: x")
        let output = BuildHarness(files).run()
        #expect(output.uncomparable.map(\.ref.description) == ["Service/network/nas"])
        #expect(output.uncomparable.first?.values.first?.written == "${NAS_PORT}")
        // The Endpoints port has a default, so it still builds.
        #expect(output.refs == ["Endpoints/network/nas"])
    }

    @Test func secretsInGitAreUsedButNeverShown() throws {
        var files = HomeOps.files
        files["kubernetes/flux/vars/cluster-secrets.sops.yaml"] = """
            apiVersion: v1
            kind: Secret
            metadata: {name: cluster-secrets, namespace: flux-system}
            data:
              SECRET_ROUTER_IP: \(Data("192.0.2.1".utf8).base64EncodedString())

            """
        let output = BuildHarness(files).run()
        #expect(output.addresses("Endpoints/network/nas") == ["192.0.2.10", "192.0.2.1"])
        let value = try #require(output.record("Endpoints/network/nas")?.values.first { $0.written.contains("ROUTER") })
        #expect(value.value == nil)
        #expect(value.variables.first?.isSecret == true)
        #expect(!value.isUnresolved)
    }

    @Test func unresolvedVariablesAskForTheSourcesGitCannotRead() throws {
        let output = BuildHarness(HomeOps.files).run()
        // The ConfigMap is in git; the Secret is encrypted: only the Secret is asked for.
        #expect(
            output.variableSourceRequests == [
                VariableSourceRequest(kind: "Secret", namespace: "flux-system", name: "cluster-secrets")
            ])
        let value = try #require(output.record("Endpoints/network/nas")?.values.first { $0.written.contains("ROUTER") })
        #expect(value.variables.first?.hint?.contains("or --vars-from-cluster") == true)
        // With every variable resolved, nothing is asked for.
        var harness = BuildHarness(HomeOps.files)
        harness.variableFiles = [VariableFile(path: "vars.env", values: ["SECRET_ROUTER_IP": "192.0.2.1"])]
        #expect(harness.run().variableSourceRequests.isEmpty)
    }

    @Test func valuesReadFromTheClusterComeLastAndStaySecret() throws {
        let request = VariableSourceRequest(kind: "Secret", namespace: "flux-system", name: "cluster-secrets")
        var harness = BuildHarness(HomeOps.files)
        harness.clusterVariables = [
            ClusterVariableSource(request: request, answer: .values(["SECRET_ROUTER_IP": "192.0.2.1", "NAS_IP": "x"]))
        ]
        let output = harness.run()
        // NAS_IP still comes from the ConfigMap in git, which Flux's order puts first.
        #expect(output.addresses("Endpoints/network/nas") == ["192.0.2.10", "192.0.2.1"])
        let value = try #require(output.record("Endpoints/network/nas")?.values.first { $0.written.contains("ROUTER") })
        #expect(value.value == nil)
        #expect(value.variables.first?.isSecret == true)
        #expect(value.variables.first?.source == "Secret flux-system/cluster-secrets (read from the cluster)")
        #expect(output.secretValues == ["192.0.2.1"])
        #expect(output.variableSourceRequests.isEmpty)
        // --vars wins over the cluster.
        harness.variableFiles = [VariableFile(path: "vars.env", values: ["SECRET_ROUTER_IP": "192.0.2.7"])]
        #expect(harness.run().addresses("Endpoints/network/nas") == ["192.0.2.10", "192.0.2.7"])
    }

    @Test func aSourceTheClusterLacksIsNamedInTheHint() throws {
        let request = VariableSourceRequest(kind: "Secret", namespace: "flux-system", name: "cluster-secrets")
        for (answer, expected) in [
            (ClusterVariableSource.Answer.notFound, "not in the cluster either"),
            (.failed("403 Forbidden"), "not read from the cluster: 403 Forbidden"),
            (.values(["OTHER": "x"]), "in the cluster without SECRET_ROUTER_IP"),
        ] {
            var harness = BuildHarness(HomeOps.files)
            harness.clusterVariables = [ClusterVariableSource(request: request, answer: answer)]
            let output = harness.run()
            let value = try #require(
                output.record("Endpoints/network/nas")?.values.first { $0.written.contains("ROUTER") })
            #expect(value.isUnresolved)
            let hint = value.variables.first?.hint ?? ""
            #expect(hint.contains(expected), "\(hint)")
            #expect(!hint.contains("--vars-from-cluster"), "\(hint)")
            #expect(output.variableSourceRequests.isEmpty)
        }
    }

    @Test func substitutionCanBeDisabledPerObject() throws {
        var files = HomeOps.files
        files["kubernetes/apps/network/proxy/app/nas.yaml"] = HomeOps.nas.replacingOccurrences(
            of: "  namespace: default\n",
            with: "  namespace: default\n  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n")
        let output = BuildHarness(files).run()
        #expect(output.uncomparable.first?.ref.description == "Endpoints/network/nas")
        #expect(output.uncomparable.first?.values.first?.variables.first?.hint?.contains("disabled") == true)
    }

    @Test func aFluxPathWithoutKustomizationIncludesEveryManifestBelow() {
        let output = BuildHarness([
            "clusters/prd/apps.yaml": """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: apps, namespace: flux-system}
            spec:
              path: ./apps
              targetNamespace: apps

            """,
            "apps/a.yaml": Manifest.service("a"),
            "apps/deep/b.yaml": Manifest.service("b", namespace: "elsewhere"),
            "apps/kust/kustomization.yaml": "namespace: inner\nresources: [c.yaml]\n",
            "apps/kust/c.yaml": Manifest.service("c"),
            "apps/kust/d.yaml": Manifest.service("d"),
        ]).run()
        #expect(output.refs == ["Service/apps/a", "Service/apps/b", "Service/apps/c"])
        #expect(output.notes.contains { $0.path == "apps/kust/d.yaml" && $0.reason == .notIncluded })
    }

    @Test func aFluxPathThatIsNotInTheCommitIsNoted() {
        let output = BuildHarness([
            "clusters/prd/apps.yaml": """
            apiVersion: kustomize.toolkit.fluxcd.io/v1beta2
            kind: Kustomization
            metadata: {name: apps, namespace: flux-system}
            spec: {path: ./somewhere/else}

            """
        ]).run()
        #expect(output.notes.contains { $0.reason == .gitOps && $0.message.contains("somewhere/else") })
    }
}
