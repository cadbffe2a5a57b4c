import DesiredState
import Manifests
import Testing

@Suite struct ArgoBuildTests {
    static let application = """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: legacy, namespace: argocd}
        spec:
          project: default
          source:
            repoURL: https://git.example.com/platform/gitops.git
            path: apps/legacy
          destination:
            server: https://kubernetes.default.svc
            namespace: legacy

        """

    @Test func theDestinationNamespaceIsForObjectsThatNameNone() {
        let output = BuildHarness([
            "argocd/legacy.yaml": Self.application,
            "apps/legacy/vm.yaml": Manifest.service("vm") + "---\n"
                + Manifest.endpoints("vm", ip: "<path:kv/data/net#vm>")
                + "---\n" + Manifest.service("other", namespace: "explicit"),
            "apps/legacy/sub/ignored.yaml": Manifest.service("deeper"),
        ]).run()
        #expect(output.refs == ["Endpoints/legacy/vm", "Service/explicit/other", "Service/legacy/vm"])
        #expect(output.notes.contains { $0.path == "apps/legacy/sub/ignored.yaml" && $0.reason == .notIncluded })
        #expect(
            output.record("Service/legacy/vm")?.namespaceRule
                == .argoDestination(application: "legacy", path: "argocd/legacy.yaml"))
        #expect(output.record("Service/explicit/other")?.namespaceRule == .metadata)
        let value = output.record("Endpoints/legacy/vm")?.values.first
        #expect(value?.isUnresolved == true)
        #expect(value?.variables.first?.hint?.contains("argocd-vault-plugin") == true)
        // Argo CD 3.x leaves Endpoints and EndpointSlices out of sync unless argocd-cm says otherwise.
        #expect(output.notes.contains { $0.reason == .gitOps && $0.message.contains("Argo CD does not apply") })
    }

    @Test func anArgocdCMThatKeepsEndpointsSilencesTheNote() {
        let output = BuildHarness([
            "argocd/legacy.yaml": Self.application,
            "argocd/argocd-cm.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: argocd-cm, namespace: argocd}
            data:
              resource.exclusions: |
                - apiGroups: [cilium.io]
                  kinds: [CiliumIdentity]

            """,
            "apps/legacy/vm.yaml": Manifest.service("vm"),
        ]).run()
        #expect(!output.notes.contains { $0.message.contains("Argo CD does not apply") })
        #expect(output.refs == ["Service/legacy/vm"])
    }
}

@Suite struct VariableSubstitutionTests {
    let values = ["NAS_IP": "192.0.2.10", "EMPTY": ""]

    func apply(_ text: String) -> VariableSubstitution.Result {
        VariableSubstitution.apply(text) { values[$0] }
    }

    @Test func bracedBareAndDefaults() {
        #expect(apply("${NAS_IP}").text == "192.0.2.10")
        #expect(apply("$NAS_IP").text == "192.0.2.10")
        #expect(apply("http://${NAS_IP}:80").text == "http://192.0.2.10:80")
        #expect(apply("${PORT:=5000}").text == "5000")
        #expect(apply("${PORT:-5000}").text == "5000")
        #expect(apply("${EMPTY:-x}").text == "x")
        #expect(apply("${EMPTY-x}").text == "")
        #expect(apply("${NAS_IP:=x}").text == "192.0.2.10")
        #expect(apply("${PORT:=5000}").uses.first?.fromDefault == true)
    }

    @Test func escapesAndUnsetVariablesStayAsWritten() {
        #expect(apply("$${NAS_IP}").text == "${NAS_IP}")
        #expect(apply("$${NAS_IP}").uses.isEmpty)
        #expect(apply("${UNSET}").text == "${UNSET}")
        #expect(apply("${UNSET}").uses.first?.value == nil)
        #expect(apply("price $5").text == "price $5")
        #expect(apply("${NAS_IP/1/2}").uses.first?.unsupported == true)
        #expect(!VariableSubstitution.isName("1ABC"))
        #expect(VariableSubstitution.isName("_ABC_1"))
    }

    @Test func varsFilesInEveryFormat() throws {
        #expect(try VariableFile.parse("A=1\n# c\nexport B=\"two\"\n", path: "x.env").values == ["A": "1", "B": "two"])
        #expect(try VariableFile.parse("A: \"1\"\nB: two\n", path: "x.yaml").values == ["A": "1", "B": "two"])
        #expect(try VariableFile.parse("{\"A\": \"1\"}", path: "x.json").values == ["A": "1"])
        #expect(throws: DesiredStateError.self) { try VariableFile.parse("- a\n- b\n", path: "x.yaml") }
    }

    @Test func placeholdersAreFound() {
        #expect(Placeholder.occurs(in: "${A}"))
        #expect(Placeholder.occurs(in: "<path:kv/data/x#ip>"))
        #expect(!Placeholder.occurs(in: "192.0.2.1"))
        #expect(Placeholder.all(in: "a ${A} b <path:x#y> ${B:=1}") == ["${A}", "<path:x#y>", "${B:=1}"])
        #expect(IPAddress.canonicalText("${NAS_IP}") == "${NAS_IP}")
    }
}
