import Foundation
import TestSupport
import Testing

/// Real GitOps layouts in real git repositories, checked against the fake API server holding what
/// Flux or kustomize would have applied: zero false findings when git and the cluster agree, the
/// exact findings (with the file and line where the value is written) when they do not.
@Suite("GitOps layouts against the fake API server")
struct GitOpsLayoutTests {
    static let token = "layout-e2e-token-4c2d"
    let home: TempFolder

    init() throws { home = try TempFolder() }

    // MARK: Live state

    /// A selector-less Service with one port, as the API server returns it in a list.
    static func liveService(_ name: String, _ namespace: String, port: Int = 5000) -> String {
        """
        {"metadata":{"name":"\(name)","namespace":"\(namespace)","resourceVersion":"10"},"spec":{"ports":[{"name":"http","protocol":"TCP","port":\(port),"targetPort":\(port)}],"clusterIP":"10.96.0.\(port % 200)","type":"ClusterIP"}}
        """
    }

    /// Endpoints and the slice the mirroring controller makes of them.
    static func liveEndpoints(
        _ name: String, _ namespace: String, _ ips: [String], port: Int = 5000
    ) -> (String, String) {
        let addresses = ips.map { "{\"ip\":\"\($0)\"}" }.joined(separator: ",")
        let endpoints = """
            {"metadata":{"name":"\(name)","namespace":"\(namespace)","resourceVersion":"11"},"subsets":[{"addresses":[\(addresses)],"ports":[{"name":"http","port":\(port),"protocol":"TCP"}]}]}
            """
        let sliceEndpoints = ips.map { "{\"addresses\":[\"\($0)\"],\"conditions\":{\"ready\":true}}" }.joined(
            separator: ",")
        let slice = """
            {"metadata":{"name":"\(name)-m1rr0","namespace":"\(namespace)","resourceVersion":"12","labels":{"kubernetes.io/service-name":"\(name)","endpointslice.kubernetes.io/managed-by":"endpointslicemirroring-controller.k8s.io"}},"addressType":"IPv4","endpoints":[\(sliceEndpoints)],"ports":[{"name":"http","port":\(port),"protocol":"TCP"}]}
            """
        return (endpoints, slice)
    }

    /// Serves `services` and `endpoints` (with their mirrored slices) in `namespace`.
    static func serve(
        _ server: FakeKubernetesAPI, namespace: String, services: [String], endpoints: [(String, String)]
    ) {
        let lists: [(String, String, String, [String])] = [
            ("/api/v1/namespaces/\(namespace)/services", "ServiceList", "v1", services),
            ("/api/v1/namespaces/\(namespace)/endpoints", "EndpointsList", "v1", endpoints.map(\.0)),
            (
                "/apis/discovery.k8s.io/v1/namespaces/\(namespace)/endpointslices", "EndpointSliceList",
                "discovery.k8s.io/v1", endpoints.map(\.1)
            ),
        ]
        for (path, kind, apiVersion, items) in lists {
            server.on(
                path,
                respond: PagedList(kind: kind, apiVersion: apiVersion, items: items.map { Array($0.utf8) }).response)
        }
    }

    func server() async throws -> FakeKubernetesAPI {
        try await FakeKubernetesAPI.start(authentication: .init(tokens: [Self.token]))
    }

    func kubeconfig(_ server: FakeKubernetesAPI) throws -> String {
        try home.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: \(Self.token)"]))
    }

    /// `type service address path:line` of every finding.
    func findings(_ json: String) throws -> [String] {
        let document = try CLI.json(json)
        let list = try #require(document["findings"] as? [[String: Any]])
        return list.map { finding in
            let source = finding["source"] as? [String: Any]
            return [
                finding["type"] as? String ?? "",
                "\(finding["namespace"] as? String ?? "")/\(finding["service"] as? String ?? "")",
                finding["address"] as? String ?? "-",
                "\(source?["path"] as? String ?? "-"):\(source?["line"] as? Int ?? 0)",
            ].joined(separator: " ")
        }.sorted()
    }

    // MARK: Flux home-ops

    static let printer = """
        apiVersion: v1
        kind: Service
        metadata:
          name: printer
        spec:
          ports:
            - name: http
              port: 5000
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: printer-1
          labels:
            kubernetes.io/service-name: printer
            endpointslice.kubernetes.io/managed-by: gitops
        addressType: IPv4
        endpoints:
          - addresses: ["${PRINTER_IP}"]
        ports:
          - name: http
            port: 5000

        """

    func homeOpsRepository() throws -> TempGitRepository {
        let repository = try TempGitRepository()
        try repository.write(
            "kubernetes/apps/network/kustomization.yaml", "resources: [./proxy/ks.yaml, ./printer/ks.yaml]\n")
        try repository.write(
            "kubernetes/apps/network/proxy/ks.yaml",
            """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: proxy
              namespace: flux-system
            spec:
              path: ./kubernetes/apps/network/proxy/app
              targetNamespace: network
              postBuild:
                substitute:
                  NAS_PORT: "5000"
                substituteFrom:
                  - {kind: ConfigMap, name: cluster-settings}
                  - {kind: Secret, name: cluster-secrets}

            """)
        try repository.write(
            "kubernetes/apps/network/proxy/app/kustomization.yaml", "resources:\n  - ./nas.yaml\n")
        try repository.write(
            "kubernetes/apps/network/proxy/app/nas.yaml",
            """
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
            subsets:
              - addresses:
                  - ip: ${NAS_IP}
                  - ip: "${SECRET_ROUTER_IP}"
                ports:
                  - name: http
                    port: ${NAS_PORT:=5000}

            """)
        try repository.write(
            "kubernetes/apps/network/proxy/app/old-nas.yaml",
            "# a draft nobody deploys\n" + Self.printer.replacingOccurrences(of: "printer", with: "old-nas"))
        try repository.write(
            "kubernetes/apps/network/printer/ks.yaml",
            """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: printer, namespace: flux-system}
            spec:
              path: ./kubernetes/apps/network/printer/app
              targetNamespace: network
              postBuild:
                substituteFrom:
                  - {kind: ConfigMap, name: cluster-settings}

            """)
        try repository.write("kubernetes/apps/network/printer/app/printer.yaml", Self.printer)
        try repository.write(
            "kubernetes/flux/vars/kustomization.yaml",
            "resources:\n  - cluster-settings.yaml\n  - cluster-secrets.sops.yaml\n")
        try repository.write(
            "kubernetes/flux/vars/cluster-settings.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: cluster-settings
              namespace: flux-system
            data:
              NAS_IP: 192.0.2.10
              PRINTER_IP: 192.0.2.20

            """)
        try repository.write(
            "kubernetes/flux/vars/cluster-secrets.sops.yaml",
            """
            apiVersion: v1
            kind: Secret
            metadata:
              name: cluster-secrets
              namespace: flux-system
            stringData:
              SECRET_ROUTER_IP: ENC[AES256_GCM,data:q83+,iv:Zm9v,tag:YmFy,type:str]
            sops:
              version: 3.8.1

            """)
        try repository.commitAll("home-ops")
        return repository
    }

    @Test("Flux home-ops: no false finding when git and the cluster agree")
    func fluxInSync() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        Self.serve(
            server, namespace: "network",
            services: [Self.liveService("nas", "network"), Self.liveService("printer", "network")],
            endpoints: [Self.liveEndpoints("nas", "network", ["192.0.2.10", "192.0.2.1"])])
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/network/endpointslices",
            respond: PagedList(
                kind: "EndpointSliceList", apiVersion: "discovery.k8s.io/v1",
                items: [
                    Self.liveEndpoints("nas", "network", ["192.0.2.10", "192.0.2.1"]).1,
                    """
                    {"metadata":{"name":"printer-1","namespace":"network","labels":{"kubernetes.io/service-name":"printer","endpointslice.kubernetes.io/managed-by":"gitops"}},"addressType":"IPv4","endpoints":[{"addresses":["192.0.2.20"]}],"ports":[{"name":"http","port":5000,"protocol":"TCP"}]}
                    """,
                ].map { Array($0.utf8) }
            ).response)
        let repository = try homeOpsRepository()
        let result = try await CLI.run(
            ["check", "--repo", repository.path, "--kubeconfig", try kubeconfig(server), "-o", "json"], home: home)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        // The Secret is SOPS-encrypted: its one value is reported, with what the cluster serves in its place.
        #expect(
            try findings(result.stdout) == [
                "unresolved-variable network/nas ${SECRET_ROUTER_IP} kubernetes/apps/network/proxy/app/nas.yaml:17"
            ])
        let document = try CLI.json(result.stdout)
        let finding = try #require((document["findings"] as? [[String: Any]])?.first)
        let message = finding["message"] as? String ?? ""
        #expect(message.contains("the cluster serves 192.0.2.1 there"), "\(message)")
        #expect(message.contains("Secret cluster-secrets (SOPS-encrypted"), "\(message)")
        // Only the namespace Flux moves the objects to is read.
        #expect(!server.requests.contains { $0.path.contains("/namespaces/default/") })
    }

    @Test("Flux home-ops: drift is reported where the variable's value is written")
    func fluxDrift() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        Self.serve(
            server, namespace: "network",
            services: [Self.liveService("nas", "network"), Self.liveService("printer", "network")],
            endpoints: [
                Self.liveEndpoints("nas", "network", ["192.0.2.10", "192.0.2.1"]),
                Self.liveEndpoints("printer", "network", ["192.0.2.21"]),
            ])
        let repository = try homeOpsRepository()
        let result = try await CLI.run(
            ["check", "--repo", repository.path, "--kubeconfig", try kubeconfig(server), "-o", "json"], home: home)
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        let printer = "kubernetes/apps/network/printer/app/printer.yaml"
        let actual = try findings(result.stdout)
        #expect(
            actual
                == [
                    "missing-backend network/printer 192.0.2.20 \(printer):19",
                    "missing-live-object network/printer - \(printer):10",
                    "stale-backend network/printer 192.0.2.21 \(printer):10",
                    "unresolved-variable network/nas ${SECRET_ROUTER_IP} kubernetes/apps/network/proxy/app/nas.yaml:17",
                ].sorted(), "\(actual)")
    }

    @Test("scan shows how each namespace and value was decided, and the draft that is not deployed")
    func scanExplainsTheBuild() async throws {
        let repository = try homeOpsRepository()
        let result = try await CLI.run(["scan", "--repo", repository.path], home: home)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains(
                "namespace from Flux Kustomization flux-system/proxy (targetNamespace, "
                    + "kubernetes/apps/network/proxy/ks.yaml)"), "\(result.stdout)")
        #expect(
            result.stdout.contains(
                "ip from ${NAS_IP} = 192.0.2.10 (ConfigMap cluster-settings, "
                    + "kubernetes/flux/vars/cluster-settings.yaml:7)"), "\(result.stdout)")
        #expect(result.stdout.contains("${SECRET_ROUTER_IP}"))
        #expect(!result.stdout.contains("${secret_router_ip}"))
        #expect(
            result.stdout.contains(
                "kubernetes/apps/network/proxy/app/old-nas.yaml: not included by any kustomization"))
        let json = try await CLI.run(["scan", "--repo", repository.path, "-o", "json"], home: home)
        #expect(json.stdout.contains("\"namespaceRule\": \"flux-target-namespace\""), "\(json.stdout.prefix(2000))")
        #expect(json.stdout.contains("\"written\": \"${NAS_IP}\""))
    }

    @Test("--vars fills what git cannot, and the Service is compared on it")
    func varsFile() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        Self.serve(
            server, namespace: "network", services: [Self.liveService("nas", "network")],
            endpoints: [Self.liveEndpoints("nas", "network", ["192.0.2.10", "192.0.2.9"])])
        let repository = try homeOpsRepository()
        let vars = try home.write("vars.env", "SECRET_ROUTER_IP=192.0.2.1\n")
        let result = try await CLI.run(
            [
                "check", "--repo", repository.path, "--path", "kubernetes/apps/network/proxy", "--kubeconfig",
                try kubeconfig(server), "--vars", vars, "-o", "json",
            ], home: home)
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        let nas = "kubernetes/apps/network/proxy/app/nas.yaml"
        let actual = try findings(result.stdout)
        #expect(
            actual == [
                "missing-backend network/nas 192.0.2.1 \(nas):17", "stale-backend network/nas 192.0.2.9 \(nas):10",
            ], "\(actual)")
    }

    @Test("fix changes a variable where git defines it, and the re-check is clean")
    func fixEditsTheVariable() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        Self.serve(
            server, namespace: "network",
            services: [Self.liveService("nas", "network"), Self.liveService("printer", "network")],
            endpoints: [Self.liveEndpoints("nas", "network", ["192.0.2.11", "192.0.2.1"])])
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/network/endpointslices",
            respond: PagedList(
                kind: "EndpointSliceList", apiVersion: "discovery.k8s.io/v1",
                items: [
                    Self.liveEndpoints("nas", "network", ["192.0.2.11", "192.0.2.1"]).1,
                    """
                    {"metadata":{"name":"printer-1","namespace":"network","labels":{"kubernetes.io/service-name":"printer","endpointslice.kubernetes.io/managed-by":"gitops"}},"addressType":"IPv4","endpoints":[{"addresses":["192.0.2.21"]}],"ports":[{"name":"http","port":5000,"protocol":"TCP"}]}
                    """,
                ].map { Array($0.utf8) }
            ).response)
        let repository = try homeOpsRepository()
        let kubeconfig = try kubeconfig(server)
        // The SOPS-encrypted value is given, so that the NAS's other address is not ambiguous.
        let vars = try home.write("vars.env", "SECRET_ROUTER_IP=192.0.2.1\n")
        let fix = try await CLI.run(
            [
                "fix", "--repo", repository.path, "--kubeconfig", kubeconfig, "--vars", vars, "--commit", "--branch",
                "drift-fix",
            ], home: home)
        #expect(fix.status == 0, "\(fix.stdout)\n\(fix.stderr)")
        let settings = try repository.git(["show", "drift-fix:kubernetes/flux/vars/cluster-settings.yaml"])
        #expect(settings.contains("  NAS_IP: 192.0.2.11"), "\(settings)")
        #expect(settings.contains("  PRINTER_IP: 192.0.2.21"), "\(settings)")
        #expect(!settings.contains("192.0.2.10") && !settings.contains("192.0.2.20"))
        // The manifests keep their variables.
        let nas = try repository.git(["show", "drift-fix:kubernetes/apps/network/proxy/app/nas.yaml"])
        #expect(nas.contains("- ip: ${NAS_IP}"))
        #expect(
            try repository.git(["diff", "--name-only", "HEAD", "drift-fix"]).split(separator: "\n")
                == ["kubernetes/flux/vars/cluster-settings.yaml"])
        let recheck = try await CLI.run(
            [
                "check", "--repo", repository.path, "--ref", "drift-fix", "--kubeconfig", kubeconfig, "--vars", vars,
                "-o", "json",
            ], home: home)
        #expect(recheck.status == 0, "\(recheck.stdout)\n\(recheck.stderr)")
        #expect(try findings(recheck.stdout).isEmpty)
    }

    @Test("fix leaves a variable used elsewhere, and says where to change it")
    func fixRefusesASharedVariable() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        Self.serve(
            server, namespace: "network", services: [Self.liveService("nas", "network")],
            endpoints: [Self.liveEndpoints("nas", "network", ["192.0.2.11", "192.0.2.1"])])
        let repository = try homeOpsRepository()
        // The printer uses NAS_IP too: changing it for the NAS would move the printer.
        try repository.write(
            "kubernetes/apps/network/printer/app/printer.yaml",
            Self.printer.replacingOccurrences(of: "${PRINTER_IP}", with: "${NAS_IP}"))
        try repository.commitAll("printer shares NAS_IP")
        let vars = try home.write("vars.env", "SECRET_ROUTER_IP=192.0.2.1\n")
        let fix = try await CLI.run(
            [
                "fix", "--repo", repository.path, "--kubeconfig", try kubeconfig(server), "--vars", vars, "--commit",
                "--branch", "drift-fix",
            ],
            home: home)
        #expect(fix.status == 1, "\(fix.stdout)\n\(fix.stderr)")
        #expect(fix.stdout.contains("is also used by"), "\(fix.stdout)")
        #expect((try? repository.git(["rev-parse", "--verify", "drift-fix"])) == nil)
    }
}
