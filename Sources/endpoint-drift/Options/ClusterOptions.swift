import ArgumentParser
import EndpointDriftKit
import LiveState

/// Where the live state comes from: shared by `live`, `check` and `fix` through `@OptionGroup`.
/// Spellings and value formats follow kubectl's.
struct ClusterOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The kubeconfig file (default: KUBECONFIG, a colon-separated list merged like kubectl does, else ~/.kube/config).",
            valueName: "file"))
    var kubeconfig: String?

    @Option(name: .long, help: ArgumentHelp("The kubeconfig context (default: current-context).", valueName: "name"))
    var context: String?

    @Flag(
        name: .long,
        help:
            "Use the pod's service account (automatic when no kubeconfig exists and KUBERNETES_SERVICE_HOST is set).")
    var inCluster = false

    @Option(
        name: [.customShort("n"), .customLong("namespace")],
        help: ArgumentHelp(
            "Read this namespace (repeatable; default: the namespaces the desired state uses).", valueName: "namespace")
    )
    var namespaces: [String] = []

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Read every namespace.")
    var allNamespaces = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Objects per list request (limit/continue paging); 0 reads each list at once.", valueName: "n"))
    var chunkSize = 500

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Time limit per request, e.g. 30s, 1m, 500ms (a bare number is seconds; 0 means no limit).",
            valueName: "duration"))
    var requestTimeout = "1m"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the live state from this file (- for stdin) instead of the API server: the output of `kubectl get endpoints,endpointslices,services -A -o json` (or -o yaml).",
            valueName: "file"))
    var liveFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also write what was read from the API server to this file, in the `kubectl get … -o json` List format that --live-file reads.",
            valueName: "file"))
    var saveLive: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The encoding lists are asked for: application/vnd.kubernetes.protobuf (the default: answers about 40% smaller and quicker to read; JSON is read when a server or proxy has no protobuf) or application/json. Watches and --save-live always use JSON.",
            valueName: "type"))
    var kubeAPIContentType = "application/vnd.kubernetes.protobuf"

    /// `--kube-api-content-type` as kube-controller-manager spells it; `protobuf` and `json` too.
    var asksForProtobuf: Bool? {
        switch kubeAPIContentType.lowercased() {
        case "application/vnd.kubernetes.protobuf", "protobuf": true
        case "application/json", "json": false
        default: nil
        }
    }

    func validate() throws {
        guard asksForProtobuf != nil else {
            throw ValidationError(
                "--kube-api-content-type: '\(kubeAPIContentType)' is neither application/vnd.kubernetes.protobuf nor application/json"
            )
        }
        if allNamespaces && !namespaces.isEmpty {
            throw ValidationError("-A/--all-namespaces and -n/--namespace exclude each other; pass one")
        }
        if namespaces.contains(where: \.isEmpty) { throw ValidationError("-n/--namespace must not be empty") }
        if inCluster && (kubeconfig != nil || context != nil) {
            throw ValidationError("--in-cluster uses the pod's service account; drop --kubeconfig and --context")
        }
        if liveFile != nil {
            var conflicting: [String] = []
            if kubeconfig != nil { conflicting.append("--kubeconfig") }
            if context != nil { conflicting.append("--context") }
            if inCluster { conflicting.append("--in-cluster") }
            if saveLive != nil { conflicting.append("--save-live") }
            if !conflicting.isEmpty {
                throw ValidationError(
                    "--live-file reads a snapshot instead of the API server; drop \(conflicting.joined(separator: ", "))"
                )
            }
        }
        guard chunkSize >= 0 else { throw ValidationError("--chunk-size must be 0 or more") }
        guard GoDuration.parse(requestTimeout) != nil else {
            throw ValidationError(
                "--request-timeout: '\(requestTimeout)' is not a duration (e.g. 30s, 1m, 1m30s, 500ms, or 0 for no limit)"
            )
        }
    }

    var settings: LiveSettings {
        let timeout = GoDuration.parse(requestTimeout) ?? 60
        return LiveSettings(
            connection: ConnectionRequest(kubeconfigPath: kubeconfig, context: context, inCluster: inCluster),
            namespaces: namespaces, allNamespaces: allNamespaces, chunkSize: chunkSize,
            requestTimeout: timeout > 0 ? timeout : nil, liveFile: liveFile, saveLive: saveLive,
            protobuf: asksForProtobuf ?? false)
    }
}
