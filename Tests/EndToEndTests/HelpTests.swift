import Foundation
import TestSupport
import Testing

/// kubectl-grade help: every command has Examples that use its real flags, and a mistyped
/// subcommand or flag gets a suggestion.
@Suite struct HelpTests {
    static let subcommands = ["scan", "live", "check", "lint", "fix", "serve"]

    @Test(arguments: [""] + subcommands)
    func helpHasExamplesWithRealFlags(subcommand: String) throws {
        let arguments = subcommand.isEmpty ? ["--help"] : [subcommand, "--help"]
        let help = try EndpointDriftBinary.run(arguments)
        #expect(help.status == 0)
        let text = help.stdout
        let section = try #require(text.range(of: "Examples:\n"), "no Examples in \(arguments)")
        let commands = text[section.upperBound...].split(separator: "\n").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        .filter { $0.hasPrefix("endpoint-drift ") }
        #expect(commands.count >= 2, "\(arguments): \(commands)")
        for command in commands {
            let words = command.split(separator: " ").map(String.init)
            // Each example runs the subcommand whose help shows it (the root's show any).
            if !subcommand.isEmpty { #expect(words[1] == subcommand, "\(command)") }
            let flagHelp = subcommand.isEmpty ? try EndpointDriftBinary.run([words[1], "--help"]).stdout : text
            for word in words where word.hasPrefix("-") {
                let flag = String(word.prefix { $0 != "=" })
                #expect(
                    flagHelp.contains(flag + " ") || flagHelp.contains(flag + ","), "\(command): \(flag) is not a flag")
            }
        }
    }

    @Test func mistypedSubcommandAndFlagGetSuggestions() throws {
        let subcommand = try EndpointDriftBinary.run(["chek"])
        #expect(subcommand.status == 2)
        #expect(subcommand.stderr.contains("unknown subcommand 'chek'. Did you mean 'check'?"), "\(subcommand.stderr)")
        let far = try EndpointDriftBinary.run(["deploy"])
        #expect(far.status == 2)
        #expect(!far.stderr.contains("Did you mean"))
        let all = Self.subcommands + ["version", "completion"]
        #expect(far.stderr.contains("Subcommands: \(all.joined(separator: ", "))."), "\(far.stderr)")
        let flag = try EndpointDriftBinary.run(["check", "--fial-on", "drift"])
        #expect(flag.status == 2)
        #expect(flag.stderr.contains("Did you mean '--fail-on'?"), "\(flag.stderr)")
    }
}

/// `scan -o json` and `live -o json` hold to docs/schemas/inventory.schema.json.
@Suite struct InventorySchemaTests {
    @Test func scanAndLiveJSONMatchTheSchema() throws {
        let schema = Validators.packageRoot + "/docs/schemas/inventory.schema.json"
        let demo = Validators.packageRoot + "/fixtures/demo"
        let scan = try EndpointDriftBinary.run(
            ["scan", "--repo", Validators.packageRoot, "--path", "fixtures/demo/repo", "-o", "json"])
        #expect(scan.status == 0, "\(scan.stderr)")
        try Validators.validateJSON(scan.stdout, schema: schema)
        let live = try EndpointDriftBinary.run(["live", "--live-file", "\(demo)/live.json", "-A", "-o", "json"])
        #expect(live.status == 0, "\(live.stderr)")
        try Validators.validateJSON(live.stdout, schema: schema)
    }
}
