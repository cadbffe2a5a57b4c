import Foundation
import Manifests
import TestSupport
import Testing

/// `deploy/serve/`: the Deployment that runs `endpoint-drift serve`, checked with the Kubernetes
/// schemas, its RBAC (read-only plus watch), its probes against serve's endpoints, its flags
/// against the built binary.
@Suite struct ServeDeploymentTests {
    static let root = Validators.packageRoot
    static let validated = ["clusterrole.yaml", "clusterrolebinding.yaml", "deployment.yaml", "service.yaml"]

    func yaml(_ relative: String) throws -> Node {
        let text = try String(contentsOfFile: "\(Self.root)/deploy/serve/\(relative)", encoding: .utf8)
        return try #require(try YAMLReader.documents(in: text).first)
    }

    /// The node at a path of map keys.
    func at(_ node: Node?, _ path: String...) -> Node? {
        var current = node
        for key in path { current = current?.mapping?[key] }
        return current
    }

    @Test(arguments: ["1.29.0", "1.37.0"])
    func manifestsPassStrictSchemaValidation(version: String) throws {
        let files = Self.validated.map { "\(Self.root)/deploy/serve/\($0)" }
        let result = try PythonTools.run("kubernetes-validate", ["--strict", "-k", version] + files)
        #expect(
            result.stdout.components(separatedBy: " passed for resource ").count == files.count + 1, "\(result.stdout)")
    }

    @Test func theKustomizationListsEveryManifest() throws {
        let resources = try yaml("kustomization.yaml").mapping?["resources"]?.sequence?.items.compactMap(\.stringValue)
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(Self.root)/deploy/serve").filter {
            $0.hasSuffix(".yaml") && $0 != "kustomization.yaml"
        }
        #expect(Set(resources ?? []) == Set(files))
        #expect(Set(files) == Set(Self.validated + ["servicemonitor.yaml"]))
    }

    @Test func theClusterRoleAddsOnlyWatch() throws {
        var grants: Set<String> = []
        for rule in try yaml("clusterrole.yaml").mapping?["rules"]?.sequence?.items ?? [] {
            let fields = try #require(rule.mapping)
            #expect(fields["resourceNames"] == nil && fields["nonResourceURLs"] == nil)
            for group in fields["apiGroups"]?.sequence?.items.compactMap(\.scalar?.value) ?? [] {
                for resource in fields["resources"]?.sequence?.items.compactMap(\.scalar?.value) ?? [] {
                    for verb in fields["verbs"]?.sequence?.items.compactMap(\.scalar?.value) ?? [] {
                        grants.insert("\(verb) \(group.isEmpty ? resource : "\(resource).\(group)")")
                    }
                }
            }
        }
        var expected: Set<String> = []
        for resource in ["services", "endpoints", "endpointslices.discovery.k8s.io"] {
            for verb in ["get", "list", "watch"] { expected.insert("\(verb) \(resource)") }
        }
        #expect(grants == expected)
    }

    @Test func theServeContainerRunsUnprivilegedWithProbesOnServesEndpoints() throws {
        let spec = try #require(at(try yaml("deployment.yaml"), "spec", "template", "spec"))
        #expect(at(spec, "securityContext", "runAsNonRoot")?.scalar?.value == "true")
        let containers = spec.mapping?["containers"]?.sequence?.items ?? []
        let serve = try #require(containers.first { $0.mapping?["name"]?.stringValue == "serve" })
        #expect(at(serve, "securityContext", "readOnlyRootFilesystem")?.scalar?.value == "true")
        #expect(at(serve, "readinessProbe", "httpGet", "path")?.stringValue == "/readyz")
        #expect(at(serve, "livenessProbe", "httpGet", "path")?.stringValue == "/healthz")
        #expect(at(serve, "resources", "limits", "memory") != nil)
        let arguments = serve.mapping?["args"]?.sequence?.items.compactMap(\.stringValue) ?? []
        #expect(arguments.first == "serve")
        let help = try ProcessRunner.run(try TestBinary.endpointDrift, ["serve", "--help"]).stdout
        for flag in arguments.dropFirst().map({ String($0.prefix { $0 != "=" }) }) {
            #expect(help.contains(flag + " ") || help.contains(flag + "\n") || help.contains(flag + ","), "\(flag)")
        }
        // The port the Service and the ServiceMonitor name is the one serve listens on.
        #expect(arguments.contains("--listen=0.0.0.0:9500"))
        #expect(
            at(try yaml("service.yaml"), "spec", "ports")?.sequence?.items.first?.mapping?["port"]?.scalar?.value
                == "9500")
        #expect(
            at(try yaml("servicemonitor.yaml"), "spec", "endpoints")?.sequence?.items.first?.mapping?["port"]?
                .stringValue == "metrics")
    }

    /// serve's own alerts (exporter absent, fetches failing, watches unstable, webhook failing):
    /// valid rules, and promtool's unit tests fire them on a broken exporter and not on a healthy one.
    @Test func theServeAlertRulesPassPromtoolAndTheirUnitTests() throws {
        let folder = "\(Self.root)/deploy/serve"
        let check = try ProcessRunner.run(
            "/usr/bin/env", ["promtool", "check", "rules", "endpoint-drift-serve.rules.yml"], currentDirectory: folder)
        #expect(check.status == 0 && check.stdout.contains("SUCCESS: 4 rules found"), "\(check.stdout)\(check.stderr)")
        let test = try ProcessRunner.run(
            "/usr/bin/env", ["promtool", "test", "rules", "endpoint-drift-serve.rules.test.yml"],
            currentDirectory: folder)
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
    }
}
