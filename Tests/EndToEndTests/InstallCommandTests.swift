import Foundation
import TestSupport
import Testing

/// What installing needs from the binary: `--version` and `version -o json` (version, commit,
/// libgit2), `completion bash|zsh|fish` that the shells accept, and the name kubectl runs it by.
@Suite struct InstallCommandTests {
    @Test func versionNamesTheCommitAndLibgit2() throws {
        let line = try EndpointDriftBinary.run(["--version"])
        #expect(line.status == 0)
        // A development build is not stamped: make dist writes the commit into the binary.
        #expect(
            line.stdout.wholeMatch(of: /endpoint-drift \d+\.\d+\.\d+ \(commit [0-9a-z-]+, libgit2 1\.\d+\.\d+\)\n/)
                != nil, "\(line.stdout)")
        let command = try EndpointDriftBinary.run(["version"])
        #expect(command.stdout == line.stdout)
        let json = try EndpointDriftBinary.run(["version", "-o", "json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: String])
        #expect(Set(object.keys) == ["version", "commit", "libgit2"])
        #expect(line.stdout.hasPrefix("endpoint-drift \(object["version"] ?? "?") (commit \(object["commit"] ?? "?"),"))
        let bad = try EndpointDriftBinary.run(["version", "-o", "yaml"])
        #expect(bad.status == 2)
    }

    /// bash -n, and zsh -n / fish -n where those shells are installed (make dist-check installs them).
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsParse(shell: String) throws {
        let script = try EndpointDriftBinary.run(["completion", shell])
        #expect(script.status == 0, "\(script.stderr)")
        #expect(script.stdout.contains("check"))
        let folder = try TempFolder()
        let file = try folder.write("completion.\(shell)", script.stdout)
        let found = try ProcessRunner.run("/bin/sh", ["-c", "command -v \(shell)"])
        guard found.status == 0 else { return }
        let parsed = try ProcessRunner.run(found.stdout.trimmingCharacters(in: .whitespacesAndNewlines), ["-n", file])
        #expect(parsed.status == 0, "\(shell) -n: \(parsed.stderr)")
    }

    /// bash completes subcommands and flags from the script.
    @Test func bashCompletesSubcommandsAndFlags() throws {
        let script = try EndpointDriftBinary.run(["completion", "bash"]).stdout
        let folder = try TempFolder()
        let file = try folder.write("completion.bash", script)
        // As bash calls it: complete -F passes the command, the word and the previous word.
        func complete(_ line: String) throws -> [String] {
            let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            let quoted = words.map { "'\($0)'" }
            let previous = words.count > 1 ? words[words.count - 2] : ""
            let shell = """
                source '\(file)'
                COMP_WORDS=(\(quoted.joined(separator: " "))); COMP_CWORD=\(words.count - 1)
                COMP_LINE='\(line)'; COMP_POINT=\(line.utf8.count)
                _endpoint-drift endpoint-drift '\(words.last ?? "")' '\(previous)' >/dev/null 2>&1
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            return try ProcessRunner.run("/bin/bash", ["--noprofile", "--norc", "-c", shell]).stdout
                .split(separator: "\n").map(String.init)
        }
        #expect(try complete("endpoint-drift ch").contains("check"))
        #expect(try complete("endpoint-drift check --fail-o").contains("--fail-on"))
    }

    /// Installed as kubectl-endpoint_drift (krew's link), it calls itself `kubectl endpoint-drift`.
    @Test func asAKubectlPluginItSaysKubectlEndpointDrift() throws {
        let folder = try TempFolder()
        let plugin = folder.file("kubectl-endpoint_drift")
        try FileManager.default.createSymbolicLink(atPath: plugin, withDestinationPath: try TestBinary.endpointDrift)
        let help = try ProcessRunner.run(plugin, ["--help"], environment: EndpointDriftBinary.isolatedEnvironment)
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: kubectl endpoint-drift <subcommand>"), "\(help.stdout)")
        #expect(help.stdout.contains("  kubectl endpoint-drift check\n"))
        #expect(!help.stdout.contains("\n  endpoint-drift "))
        let check = try ProcessRunner.run(
            plugin, ["check", "--help"], environment: EndpointDriftBinary.isolatedEnvironment)
        #expect(check.stdout.contains("USAGE: kubectl endpoint-drift check"), "\(check.stdout)")
        let typo = try ProcessRunner.run(plugin, ["chek"], environment: EndpointDriftBinary.isolatedEnvironment)
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("See 'kubectl endpoint-drift --help'"), "\(typo.stderr)")
        let missing = try ProcessRunner.run(
            plugin, ["scan", "--repo", folder.file("nowhere")], environment: EndpointDriftBinary.isolatedEnvironment)
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("kubectl endpoint-drift: error:"), "\(missing.stderr)")
        // Under its own name, nothing changes.
        let own = try EndpointDriftBinary.run(["--help"])
        #expect(own.stdout.contains("USAGE: endpoint-drift <subcommand>"))
    }
}
