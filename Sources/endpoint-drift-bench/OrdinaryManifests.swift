/// The documents that are not external services, which make up about 95% of a GitOps repository:
/// Deployments, ConfigMaps (some of whose data mentions `kind: Endpoints`), Secrets, custom
/// resources, RBAC bundles, CRDs, JSON dashboards, Helm values and templates. Sizes and shapes vary
/// so that the pre-filter and the blob reads see what real repositories have.
struct OrdinaryManifests {
    var random: SeededGenerator
    let namespace: String
    let app: String
    /// Write `metadata.namespace` (else the kustomization gives it).
    let namespaceWritten: Bool

    static let words = [
        "alpha", "bravo", "cache", "delta", "engine", "feature", "gateway", "handler", "index", "journal",
        "kernel", "limit", "metric", "node", "option", "policy", "queue", "region", "shard", "timeout", "upstream",
        "vector", "worker", "zone", "buffer", "cluster", "retry", "backoff", "tenant", "ledger",
    ]

    /// A file: its name in the app folder and its text.
    mutating func file(_ roll: Int) -> (name: String, text: String) {
        switch roll {
        case 0..<24: return ("deployment.yaml", deploymentFile())
        case 24..<40: return ("configmap.yaml", configMapFile())
        case 40..<49: return ("secret.yaml", secret())
        case 49..<65:
            return ("\(random.pick(["monitoring", "mesh", "certs", "rollout", "kafka"])).yaml", customResources())
        case 65..<87: return ("bundle.yaml", bundle())
        case 87..<92: return ("dashboard.json", dashboardJSON())
        case 92..<95: return ("values.yaml", helmValues())
        case 95..<97: return ("templates/\(random.pick(["deployment", "service", "configmap"])).yaml", helmTemplate())
        case 97..<99: return ("kustomize-patch.yaml", patch())
        default: return ("crd.yaml", customResourceDefinition())
        }
    }

    // MARK: Pieces

    private var namespaceLine: String { namespaceWritten ? "  namespace: \(namespace)\n" : "" }

    private mutating func labels(_ indent: String) -> String {
        var text = "\(indent)labels:\n\(indent)  app.kubernetes.io/name: \(app)\n"
        text += "\(indent)  app.kubernetes.io/part-of: \(random.pick(Self.words))\n"
        if random.chance(0.5) {
            text +=
                "\(indent)  app.kubernetes.io/version: \"\(random.int(1...9)).\(random.int(0...30)).\(random.int(0...9))\"\n"
        }
        if random.chance(0.3) { text += "\(indent)  team: \(namespace)\n" }
        return text
    }

    private mutating func sentence(_ count: Int) -> String {
        (0..<count).map { _ in random.pick(Self.words) }.joined(separator: " ")
    }

    private mutating func configText(lines: Int, indent: String) -> String {
        var text = ""
        for line in 0..<lines {
            switch random.int(0...9) {
            case 0: text += "\(indent)# \(sentence(random.int(3...9)))\n"
            case 1:
                text +=
                    "\(indent)\(random.pick(Self.words)) {\n\(indent)  \(random.pick(Self.words))_\(line) \(random.int(1...65535));\n\(indent)}\n"
            case 2:
                text +=
                    "\(indent)\(random.pick(Self.words)).\(random.pick(Self.words)).url=https://\(random.pick(Self.words)).\(namespace).svc:\(random.int(1000...9999))/\(random.pick(Self.words))\n"
            default:
                text +=
                    "\(indent)\(random.pick(Self.words)).\(random.pick(Self.words)).\(random.pick(Self.words))_\(line)=\(random.int(0...100_000))\n"
            }
        }
        return text
    }

    // MARK: Files

    private mutating func deploymentFile() -> String {
        var text = deployment()
        if random.chance(0.35) {
            text +=
                "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: \(app)\n\(namespaceLine)spec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: \(app)\n"
        }
        if random.chance(0.3) {
            text +=
                "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: \(app)\n\(namespaceLine)spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: \(app)\n  minReplicas: \(random.int(1...3))\n  maxReplicas: \(random.int(4...40))\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        target:\n          type: Utilization\n          averageUtilization: \(random.int(50...90))\n"
        }
        return text
    }

    private mutating func deployment() -> String {
        var text =
            "# \(sentence(random.int(4...10)))\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \(app)\n\(namespaceLine)"
        text += labels("  ")
        if random.chance(0.4) { text += "  annotations:\n    reloader.stakater.com/auto: \"true\"\n" }
        text +=
            "spec:\n  replicas: \(random.int(1...12))\n  revisionHistoryLimit: 5\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: \(app)\n"
        text +=
            "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 25%\n      maxUnavailable: 0\n"
        text +=
            "  template:\n    metadata:\n\(labels("      "))      annotations:\n        prometheus.io/scrape: \"true\"\n        prometheus.io/port: \"9090\"\n"
        text +=
            "    spec:\n      serviceAccountName: \(app)\n      securityContext:\n        runAsNonRoot: true\n        fsGroup: 2000\n      containers:\n"
        for container in 0..<random.int(1...3) {
            let name = container == 0 ? app : "\(random.pick(Self.words))-sidecar"
            text +=
                "        - name: \(name)\n          image: registry.example.com/\(namespace)/\(name):\(random.int(1...5)).\(random.int(0...40)).\(random.int(0...20))\n"
            text +=
                "          imagePullPolicy: IfNotPresent\n          ports:\n            - name: http\n              containerPort: 8080\n            - name: metrics\n              containerPort: 9090\n"
            text += "          env:\n"
            for variable in 0..<random.int(3...24) {
                let key = "\(random.pick(Self.words).uppercased())_\(random.pick(Self.words).uppercased())_\(variable)"
                switch random.int(0...4) {
                case 0:
                    text +=
                        "            - name: \(key)\n              valueFrom:\n                secretKeyRef:\n                  name: \(app)-secrets\n                  key: \(random.pick(Self.words))\n"
                case 1:
                    text +=
                        "            - name: \(key)\n              valueFrom:\n                configMapKeyRef:\n                  name: \(app)-config\n                  key: \(random.pick(Self.words))\n"
                default:
                    text +=
                        "            - name: \(key)\n              value: \"\(random.pick(Self.words))-\(random.int(0...9999))\"\n"
                }
            }
            text +=
                "          resources:\n            requests:\n              cpu: \(random.int(10...500))m\n              memory: \(random.int(64...2048))Mi\n            limits:\n              memory: \(random.int(128...4096))Mi\n"
            text +=
                "          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n            periodSeconds: 10\n          livenessProbe:\n            httpGet:\n              path: /livez\n              port: http\n            initialDelaySeconds: 30\n"
            text +=
                "          volumeMounts:\n            - name: config\n              mountPath: /etc/\(app)\n              readOnly: true\n"
        }
        text += "      volumes:\n        - name: config\n          configMap:\n            name: \(app)-config\n"
        if random.chance(0.3) {
            text +=
                "      tolerations:\n        - key: dedicated\n          operator: Equal\n          value: \(namespace)\n          effect: NoSchedule\n"
        }
        return text
    }

    private mutating func configMap(_ name: String, mentionsEndpoints: Bool) -> String {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n\(namespaceLine)"
        text += labels("  ")
        text += "data:\n"
        for key in 0..<random.int(1...3) {
            text += "  \(random.pick(Self.words))-\(key).conf: |\n"
            text += configText(lines: random.int(5...110), indent: "    ")
        }
        if mentionsEndpoints {
            // Manifests inside data: their `kind:` lines are indented, so the pre-filter must not
            // take this ConfigMap for an Endpoints object, and the parser must never read it as one.
            text +=
                "  bootstrap-objects.yaml: |\n    apiVersion: v1\n    kind: Endpoints\n    metadata:\n      name: \(app)-bootstrap\n    subsets:\n      - addresses:\n          - ip: 192.0.2.10\n        ports:\n          - port: 443\n    ---\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: \(app)-bootstrap\n"
            text +=
                "  notes.txt: \"Copy into a file with kind: Endpoints and apply it; kind: EndpointSlice works too\"\n"
        }
        return text
    }

    private mutating func configMapFile() -> String {
        var text = configMap("\(app)-config", mentionsEndpoints: random.chance(0.06))
        if random.chance(0.2) { text += "---\n" + configMap("\(app)-extra", mentionsEndpoints: false) }
        return text
    }

    private mutating func secret() -> String {
        var text =
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: \(app)-secrets\n\(namespaceLine)type: Opaque\ndata:\n"
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        for _ in 0..<random.int(2...12) {
            let length = random.chance(0.2) ? random.int(800...2400) : random.int(16...120)
            text += "  \(random.pick(Self.words))-\(random.pick(Self.words)): "
            text += String((0..<length).map { _ in alphabet[random.int(0...63)] }) + "==\n"
        }
        return text
    }

    private mutating func customResources() -> String {
        var documents: [String] = []
        for _ in 0..<random.int(1...4) {
            switch random.int(0...7) {
            case 0:
                documents.append(
                    "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: \(app)\n\(namespaceLine)spec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: \(app)\n  endpoints:\n    - port: metrics\n      interval: 30s\n      path: /metrics\n"
                )
            case 1:
                var rules =
                    "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: \(app)-rules\n\(namespaceLine)spec:\n  groups:\n    - name: \(app)\n      rules:\n"
                for rule in 0..<random.int(2...20) {
                    rules +=
                        "        - alert: \(app.capitalized)\(random.pick(Self.words).capitalized)\(rule)\n          expr: sum(rate(http_requests_total{job=\"\(app)\",code=~\"5..\"}[5m])) / sum(rate(http_requests_total{job=\"\(app)\"}[5m])) > 0.0\(random.int(1...9))\n          for: \(random.int(1...30))m\n          labels:\n            severity: \(random.pick(["warning", "critical", "info"]))\n          annotations:\n            summary: \(sentence(random.int(5...14)))\n"
                }
                documents.append(rules)
            case 2:
                documents.append(
                    "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: \(app)-tls\n\(namespaceLine)spec:\n  secretName: \(app)-tls\n  dnsNames:\n    - \(app).\(namespace).example.com\n  issuerRef:\n    name: letsencrypt\n    kind: ClusterIssuer\n"
                )
            case 3:
                var routes =
                    "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n  name: \(app)\n\(namespaceLine)spec:\n  hosts:\n    - \(app)\n  http:\n"
                for _ in 0..<random.int(1...8) {
                    routes +=
                        "    - match:\n        - uri:\n            prefix: /\(random.pick(Self.words))\n      route:\n        - destination:\n            host: \(app)\n            subset: v\(random.int(1...3))\n          weight: 100\n      timeout: \(random.int(1...30))s\n"
                }
                documents.append(routes)
            case 4:
                documents.append(
                    "apiVersion: networking.istio.io/v1beta1\nkind: ServiceEntry\nmetadata:\n  name: \(app)-egress\n\(namespaceLine)spec:\n  hosts:\n    - \(random.pick(Self.words)).example.net\n  ports:\n    - number: 443\n      name: https\n      protocol: TLS\n  resolution: DNS\n  location: MESH_EXTERNAL\n"
                )
            case 5:
                documents.append(
                    "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: \(app)-secrets\n\(namespaceLine)spec:\n  refreshInterval: 1h\n  secretStoreRef:\n    name: vault\n    kind: ClusterSecretStore\n  dataFrom:\n    - extract:\n        key: \(namespace)/\(app)\n"
                )
            case 6:
                documents.append(
                    "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata:\n  name: \(app)-\(random.pick(Self.words))\n\(namespaceLine)  labels:\n    strimzi.io/cluster: main\nspec:\n  partitions: \(random.int(1...64))\n  replicas: 3\n  config:\n    retention.ms: \(random.int(3_600_000...604_800_000))\n"
                )
            default:
                documents.append(
                    "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: \(app)\n\(namespaceLine)spec:\n  replicas: \(random.int(2...10))\n  strategy:\n    canary:\n      steps:\n        - setWeight: 20\n        - pause: {duration: 10m}\n        - setWeight: 60\n        - pause: {duration: 10m}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: \(app)\n"
                )
            }
        }
        return documents.joined(separator: "---\n")
    }

    private mutating func bundle() -> String {
        var documents: [String] = [
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: \(app)\n\(namespaceLine)"
        ]
        for _ in 0..<random.int(3...10) {
            switch random.int(0...5) {
            case 0:
                documents.append(
                    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: \(app)-\(random.pick(Self.words))\n\(namespaceLine)rules:\n  - apiGroups: [\"\"]\n    resources: [\"configmaps\", \"secrets\"]\n    verbs: [\"get\", \"list\", \"watch\"]\n  - apiGroups: [\"apps\"]\n    resources: [\"deployments\"]\n    verbs: [\"get\"]\n"
                )
            case 1:
                documents.append(
                    "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: \(app)-\(random.pick(Self.words))\n\(namespaceLine)roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: \(app)\nsubjects:\n  - kind: ServiceAccount\n    name: \(app)\n    namespace: \(namespace)\n"
                )
            case 2:
                var policy =
                    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: \(app)-\(random.pick(Self.words))\n\(namespaceLine)spec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: \(app)\n  policyTypes: [Ingress, Egress]\n  ingress:\n"
                for _ in 0..<random.int(1...6) {
                    policy +=
                        "    - from:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: team-\(Self.pad(random.int(0...99)))\n      ports:\n        - port: \(random.int(80...9999))\n"
                }
                documents.append(policy)
            case 3:
                documents.append(configMap("\(app)-\(random.pick(Self.words))", mentionsEndpoints: random.chance(0.03)))
            case 4:
                documents.append(
                    "# \(sentence(random.int(3...8)))\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: \(app)-\(random.pick(Self.words))\n\(namespaceLine)spec:\n  schedule: \"\(random.int(0...59)) \(random.int(0...23)) * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: job\n              image: registry.example.com/\(namespace)/\(app)-job:\(random.int(1...9)).\(random.int(0...9))\n              args: [\"--\(random.pick(Self.words))\", \"--\(random.pick(Self.words))=\(random.int(1...100))\"]\n"
                )
            default:
                documents.append(
                    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: \(app)\n\(namespaceLine)  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: \(random.int(1...64))m\nspec:\n  ingressClassName: nginx\n  rules:\n    - host: \(app).\(namespace).example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: \(app)\n                port:\n                  name: http\n"
                )
            }
        }
        return documents.joined(separator: "---\n")
    }

    static func pad(_ value: Int) -> String { value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)" }

    private mutating func dashboardJSON() -> String {
        var panels: [String] = []
        for panel in 0..<random.int(4...40) {
            panels.append(
                "{\\\"id\\\":\(panel),\\\"type\\\":\\\"timeseries\\\",\\\"title\\\":\\\"\(sentence(3))\\\",\\\"targets\\\":[{\\\"expr\\\":\\\"sum(rate(\(random.pick(Self.words))_total{namespace=\\\\\\\"\(namespace)\\\\\\\"}[5m]))\\\"}],\\\"gridPos\\\":{\\\"h\\\":8,\\\"w\\\":12,\\\"x\\\":\(panel % 2 * 12),\\\"y\\\":\(panel * 8)}}"
            )
        }
        let dashboard =
            "{\\\"title\\\":\\\"\(app)\\\",\\\"uid\\\":\\\"\(random.suffix(9))\\\",\\\"panels\\\":[\(panels.joined(separator: ","))]}"
        return """
            {
              "apiVersion": "v1",
              "kind": "ConfigMap",
              "metadata": {
                "name": "\(app)-dashboard",
                "namespace": "\(namespace)",
                "labels": {"grafana_dashboard": "1"}
              },
              "data": {
                "\(app).json": "\(dashboard)"
              }
            }

            """
    }

    private mutating func helmValues() -> String {
        var text =
            "# Default values for \(app).\nreplicaCount: \(random.int(1...5))\nimage:\n  repository: registry.example.com/\(namespace)/\(app)\n  tag: \"\(random.int(1...9)).\(random.int(0...9))\"\n"
        text +=
            "service:\n  # The Service in front of the pods; kind ClusterIP unless overridden.\n  type: ClusterIP\n  port: 80\n"
        text += "resources:\n  requests:\n    cpu: \(random.int(10...500))m\n"
        for key in 0..<random.int(5...60) {
            text +=
                "\(random.pick(Self.words))\(key):\n  \(random.pick(Self.words)): \(random.int(0...1000))\n  enabled: \(random.chance(0.5))\n"
        }
        return text
    }

    private mutating func helmTemplate() -> String {
        if random.chance(0.5) {
            return
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include \"\(app).fullname\" . }}\n  labels:\n    {{- include \"\(app).labels\" . | nindent 4 }}\nspec:\n  type: {{ .Values.service.type }}\n  ports:\n    - port: {{ .Values.service.port }}\n      targetPort: http\n  selector:\n    {{- include \"\(app).selectorLabels\" . | nindent 4 }}\n"
        }
        return
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"\(app).fullname\" . }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: {{ .Chart.Name }}\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n"
    }

    private mutating func patch() -> String {
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \(app)\nspec:\n  replicas: \(random.int(2...20))\n  template:\n    spec:\n      nodeSelector:\n        pool: \(random.pick(Self.words))\n"
    }

    private mutating func customResourceDefinition() -> String {
        let kind = "\(random.pick(Self.words).capitalized)\(random.pick(Self.words).capitalized)"
        var text =
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: \(kind.lowercased())s.\(random.pick(Self.words)).example.com\nspec:\n  group: \(random.pick(Self.words)).example.com\n  names:\n    kind: \(kind)\n    plural: \(kind.lowercased())s\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n"
        for property in 0..<random.int(100...500) {
            text +=
                "            \(random.pick(Self.words))\(property):\n              description: \(sentence(random.int(6...30)))\n              type: \(random.pick(["string", "integer", "boolean", "object"]))\n"
        }
        return text
    }
}
