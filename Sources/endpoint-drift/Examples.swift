/// The Examples section of each command's help, as kubectl prints them: a comment saying what, then
/// the command line. Every line is a command that works as written (a test runs `--help` and checks
/// each command's section).
enum Examples {
    /// Lines stay under 80 characters: ArgumentParser wraps longer ones, which would break a command.
    /// As kubectl's plugin, the commands read `kubectl endpoint-drift …`.
    static func section(_ examples: [(String, String)]) -> String {
        "Examples:\n"
            + examples.map { "  # \($0.0)\n  \(ProgramName.spelled($0.1))" }.joined(separator: "\n\n")
    }

    static let root = section([
        ("What git says: the external services of the commit HEAD", "endpoint-drift scan"),
        ("Compare git with the cluster of the current kubeconfig context", "endpoint-drift check"),
        ("A pull request: the plan, the drift already there, what it fixes", "endpoint-drift check --base origin/main"),
        ("Make git match the cluster, as a new branch", "endpoint-drift fix --commit"),
    ])

    static let scan = section([
        ("The external services of HEAD, as a table", "endpoint-drift scan"),
        ("One folder of another commit, as JSON", "endpoint-drift scan --ref origin/main --path clusters/prod -o json"),
    ])

    static let live = section([
        ("What the cluster serves in the namespaces git uses", "endpoint-drift live"),
        ("These namespaces, as YAML", "endpoint-drift live -n shop -n payments -o yaml"),
        ("Every namespace, saved for a later check", "endpoint-drift live -A --save-live live.json"),
    ])

    static let check = section([
        ("Against the cluster of the current kubeconfig context", "endpoint-drift check"),
        (
            "Against a snapshot (kubectl get services,endpoints,endpointslices -A -o json)",
            "endpoint-drift check --live-file live.json"
        ),
        (
            "A pull request, with a Markdown comment and SARIF",
            "endpoint-drift check --base origin/main -o github -o markdown=comment.md -o sarif=drift.sarif"
        ),
        ("Only drift fails the run; lint findings are reported", "endpoint-drift check --fail-on drift"),
        (
            "Every cluster of the cluster map, with metrics",
            "endpoint-drift check --all-clusters --metrics-file drift.prom"
        ),
    ])

    static let lint = section([
        ("The manifest rules of check, without a cluster", "endpoint-drift lint"),
        ("As GitHub annotations on a pull request", "endpoint-drift lint --base origin/main -o github"),
    ])

    static let serve = section([
        ("Watch the cluster, follow main, serve /metrics on :9500", "endpoint-drift serve --ref origin/main"),
        (
            "Follow a remote branch itself (bare clone in --data-dir, token from a file)",
            "endpoint-drift serve --repo https://git.example.com/org/gitops.git --branch main --data-dir /var/lib/endpoint-drift --git-token-file token"
        ),
        (
            "In a pod, only two namespaces, looking at git every 30 s",
            "endpoint-drift serve --in-cluster -n shop -n db --interval 30s"
        ),
        (
            "Post changes to a webhook and push the fix to a branch of its own when the findings change",
            "endpoint-drift serve --repo https://git.example.com/org/gitops.git --branch main --data-dir /var/lib/endpoint-drift --webhook https://hooks.example.com/drift --fix-branch endpoint-drift/live"
        ),
    ])

    static let fix = section([
        ("Show what would change in git to match the cluster", "endpoint-drift fix --live-file live.json"),
        ("Commit it on a new branch (endpoint-drift/fix-<sha>)", "endpoint-drift fix --commit"),
        ("Edit the working tree instead", "endpoint-drift fix --write"),
        ("Correct the cluster from git: manifests to apply", "endpoint-drift fix --to git --out fixed/"),
    ])
}
