import Manifests
import Remediation
import TestSupport
import Testing

/// Many generated drifts, in many styles: each fix must end with zero backend drift, and every
/// original line that has nothing to do with a change must survive unchanged.
@Suite struct RandomRoundTripTests {
    static let seeds: [UInt64] = Array(1...2000)

    @Test(arguments: seeds)
    func roundTrip(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let scenario = Scenario.generate(&random)
        let result = FixHarness(files: [scenario.path: scenario.desired.text], live: scenario.liveText).run()
        let outcome = result.output.services.map { "\($0.service) \($0.status) \($0.reasons)" }
        #expect(
            result.output.services.allSatisfy { $0.status == .fixed },
            "seed \(seed): \(outcome)\n\(scenario.desired.text)")
        for (path, text) in result.edited {
            guard let text else { continue }
            let problems = FixHarness.validationProblems(text, path: path)
            #expect(problems.isEmpty, "seed \(seed): the API server would refuse \(path): \(problems)\n\(text)")
        }
        let drift = FixHarness.remainingDrift(
            files: [scenario.path: scenario.desired.text], edited: result.edited, live: scenario.liveText)
        #expect(
            drift.isEmpty,
            "seed \(seed): drift remains in \(drift)\n\(scenario.desired.text)\n---\n\(result.text(scenario.path) ?? "")"
        )
        guard let edited = result.text(scenario.path) else { return }
        // Only the changed lines: a deleted line must belong to a change.
        let old = scenario.desired.lines
        let new = LineDiff.split(edited)
        let kept = LineDiff.keptOld(old.map(\.text), new)
        // Identical lines (`- addresses:`) make the diff ambiguous: count per text instead of per line.
        var deleted: [String: Int] = [:]
        var changeable: [String: Int] = [:]
        for (index, line) in old.enumerated() {
            if !kept.contains(index) { deleted[line.text, default: 0] += 1 }
            if scenario.mayChange(line, at: index) { changeable[line.text, default: 0] += 1 }
        }
        // A line the diff sees as moved (an address inserted in numeric order before it) still exists.
        var moved: [String: Int] = [:]
        for line in new { moved[line, default: 0] += 1 }
        for (index, line) in old.enumerated() where kept.contains(index) { moved[line.text, default: 0] -= 1 }
        for (text, count) in deleted {
            #expect(
                count <= (changeable[text] ?? 0) + max(0, moved[text] ?? 0),
                "seed \(seed): changed but not part of a change: \(text)\n\(scenario.desired.text)\n---\n\(edited)")
        }
    }
}

/// Lines of a generated file, each tagged with what it belongs to.
struct TaggedText {
    struct Line {
        var text: String
        /// Addresses written on the line.
        var addresses: Set<String> = []
        /// The subset/slice the line belongs to (`nil`: the object's frame or another document).
        var container: Int?
        var isComment = false
        var isPort = false
        /// Brackets and commas of JSON/flow lists, which change when a neighbour changes.
        var isListPunctuation = false
    }

    var lines: [Line] = []
    var eol = "\n"

    var text: String { lines.map { $0.text + eol }.joined() }

    mutating func add(_ text: String, _ configure: (inout Line) -> Void = { _ in }) {
        var line = Line(text: text)
        configure(&line)
        lines.append(line)
    }
}

struct Scenario {
    enum Style: CaseIterable { case indented, indentless, flow, json, crlf, list }

    struct Port: Hashable {
        var name: String
        var number: Int
    }

    struct Container {
        var ready: [String]
        var notReady: [String]
        var ports: [Port]
    }

    var path: String
    var desired: TaggedText
    var liveText: String
    var slices: Bool
    var changedAddresses: Set<String>
    var changedContainers: Set<Int>
    var anyChange: Bool

    static func address(_ random: inout SplitMix64, used: inout Set<String>) -> String {
        while true {
            let text =
                "10.\(Int.random(in: 0...3, using: &random)).\(Int.random(in: 0...9, using: &random)).\(Int.random(in: 1...30, using: &random))"
            if used.insert(text).inserted { return text }
        }
    }

    static func generate(_ random: inout SplitMix64) -> Scenario {
        let slices = Bool.random(using: &random)
        var style = Style.allCases.randomElement(using: &random) ?? .indented
        if slices && style == .list { style = .indented }
        var used: Set<String> = []
        let portNames = ["http", "https", "metrics", "admin"]
        // Desired: 1–3 containers with distinct port sets.
        var desired: [Container] = []
        for index in 0..<Int.random(in: 1...3, using: &random) {
            let ports = [
                Port(name: portNames[index], number: 8000 + index * 10 + Int.random(in: 0...5, using: &random))
            ]
            let ready = (0..<Int.random(in: 1...4, using: &random)).map { _ in address(&random, used: &used) }
            let notReady =
                Bool.random(using: &random) && !slices ? [address(&random, used: &used)] : []
            desired.append(Container(ready: ready, notReady: notReady, ports: ports))
        }
        // Live: mutations.
        var live = desired
        var changedContainers: Set<Int> = []
        for index in live.indices {
            let roll = Int.random(in: 0...11, using: &random)
            switch roll {
            case 0...2 where live[index].ready.count > 1:
                live[index].ready.remove(at: Int.random(in: 0..<live[index].ready.count, using: &random))
            case 3...4:
                live[index].ready.append(address(&random, used: &used))
            case 5 where !live[index].ready.isEmpty:
                // Readiness flip.
                let address = live[index].ready.removeFirst()
                live[index].notReady.append(address)
            case 6:
                live[index].ports[0].number += 1
                changedContainers.insert(index)
            case 7 where live[index].notReady.count > 0:
                live[index].ready.append(live[index].notReady.removeFirst())
            case 8:
                // Another address family: a new slice, or an IPv6 address in the subset.
                live[index].ready.append("2001:db8::\(Int.random(in: 1...999, using: &random))")
            case 9:
                live[index].ports[0].name += "-new"
                changedContainers.insert(index)
            default:
                break
            }
        }
        if Int.random(in: 0...3, using: &random) == 0 {
            // An address on a port set git does not have.
            live.append(
                Container(
                    ready: [address(&random, used: &used)], notReady: [], ports: [Port(name: "extra", number: 9999)]))
        }
        var changed: Set<String> = []
        func backends(_ containers: [Container]) -> [String: Set<String>] {
            var result: [String: Set<String>] = [:]
            for container in containers {
                for port in container.ports {
                    for address in container.ready { result[address, default: []].insert("\(port.number)/r") }
                    for address in container.notReady { result[address, default: []].insert("\(port.number)/n") }
                }
            }
            return result
        }
        let before = backends(desired)
        let after = backends(live)
        for address in Set(before.keys).union(after.keys) where before[address] != after[address] {
            changed.insert(address)
        }
        let text: TaggedText
        let path: String
        if slices {
            (text, path) = (renderSlices(desired, style: style, random: &random), style == .json ? "s.json" : "s.yaml")
        } else {
            (text, path) = (
                renderEndpoints(desired, style: style, random: &random), style == .json ? "e.json" : "e.yaml"
            )
        }
        let liveText = slices ? liveSlices(live) : liveEndpoints(live)
        return Scenario(
            path: path, desired: text, liveText: liveText, slices: slices, changedAddresses: changed,
            changedContainers: changedContainers, anyChange: !changed.isEmpty)
    }

    // MARK: Rendering git

    static func renderEndpoints(_ containers: [Container], style: Style, random: inout SplitMix64) -> TaggedText {
        var text = TaggedText()
        if style == .crlf { text.eol = "\r\n" }
        if style == .json {
            text.add("{")
            text.add("  \"apiVersion\": \"v1\",")
            text.add("  \"kind\": \"Endpoints\",")
            text.add("  \"metadata\": {\"name\": \"svc\", \"namespace\": \"default\"},")
            text.add("  \"subsets\": [") { $0.isListPunctuation = true }
            for (index, container) in containers.enumerated() {
                text.add("    {") {
                    $0.container = index; $0.isListPunctuation = true
                }
                for (key, list) in [("addresses", container.ready), ("notReadyAddresses", container.notReady)]
                where !list.isEmpty {
                    text.add("      \"\(key)\": [") {
                        $0.container = index; $0.isListPunctuation = true
                    }
                    for (position, address) in list.enumerated() {
                        let comma = position + 1 < list.count ? "," : ""
                        text.add("        {\"ip\": \"\(address)\"}\(comma)") {
                            $0.addresses = [address]
                            $0.container = index
                            $0.isListPunctuation = true
                        }
                    }
                    text.add("      ],") {
                        $0.container = index; $0.isListPunctuation = true
                    }
                }
                text.add(
                    "      \"ports\": [{\"name\": \"\(container.ports[0].name)\", \"port\": \(container.ports[0].number)}]"
                ) {
                    $0.container = index
                    $0.isPort = true
                }
                text.add(index + 1 < containers.count ? "    }," : "    }") {
                    $0.container = index; $0.isListPunctuation = true
                }
            }
            text.add("  ]") { $0.isListPunctuation = true }
            text.add("}")
            return text
        }
        let base = style == .list ? "    " : ""
        if style == .list {
            text.add("apiVersion: v1")
            text.add("kind: List")
            text.add("items:")
            text.add("  - apiVersion: v1")
            text.add("    kind: ConfigMap")
            text.add("    metadata:")
            text.add("      name: unrelated")
            text.add("  - apiVersion: v1")
        } else {
            text.add("# managed by hand")
            text.add("apiVersion: v1")
        }
        text.add("\(base)kind: Endpoints")
        text.add("\(base)metadata:")
        text.add("\(base)  name: svc  # the service")
        text.add("\(base)  namespace: default")
        text.add("\(base)subsets:")
        let (dash, inner) = style == .indentless ? ("", "  ") : ("  ", "    ")
        for (index, container) in containers.enumerated() {
            if Bool.random(using: &random) {
                text.add("\(base)\(dash)# subset \(index)") {
                    $0.isComment = true; $0.container = index
                }
            }
            var first = true
            for (key, list) in [("addresses", container.ready), ("notReadyAddresses", container.notReady)]
            where !list.isEmpty {
                let lead = first ? "\(base)\(dash)- " : "\(base)\(inner)"
                first = false
                if style == .flow {
                    let items = list.map { "{ip: \($0)}" }.joined(separator: ", ")
                    text.add("\(lead)\(key): [\(items)]") {
                        $0.addresses = Set(list)
                        $0.container = index
                        $0.isListPunctuation = true
                    }
                    continue
                }
                text.add("\(lead)\(key):") { $0.container = index }
                for address in list {
                    if Int.random(in: 0...3, using: &random) == 0 {
                        text.add("\(base)\(inner)\(dash)# about \(address)") {
                            $0.isComment = true; $0.container = index
                        }
                    }
                    let trailing =
                        Bool.random(using: &random) ? "  # \(address.hasSuffix("1") ? "primary" : "node")" : ""
                    let quoted = Int.random(in: 0...4, using: &random) == 0 ? "\"\(address)\"" : address
                    text.add("\(base)\(inner)\(dash)- ip: \(quoted)\(trailing)") {
                        $0.addresses = [address]
                        $0.container = index
                    }
                }
            }
            text.add("\(base)\(inner)ports:") { $0.container = index }
            text.add("\(base)\(inner)\(dash)- name: \(container.ports[0].name)") {
                $0.container = index; $0.isPort = true
            }
            text.add("\(base)\(inner)\(dash)  port: \(container.ports[0].number)") {
                $0.container = index; $0.isPort = true
            }
        }
        if style != .list {
            text.add("---")
            text.add("apiVersion: v1")
            text.add("kind: ConfigMap")
            text.add("metadata:")
            text.add("  name: unrelated")
        }
        return text
    }

    static func renderSlices(_ containers: [Container], style: Style, random: inout SplitMix64) -> TaggedText {
        var text = TaggedText()
        if style == .crlf { text.eol = "\r\n" }
        if style == .json {
            text.add("{")
            text.add("  \"apiVersion\": \"v1\",")
            text.add("  \"kind\": \"List\",")
            text.add("  \"items\": [") { $0.isListPunctuation = true }
            for (index, container) in containers.enumerated() {
                text.add("    {") {
                    $0.isListPunctuation = true; $0.container = index
                }
                text.add("      \"apiVersion\": \"discovery.k8s.io/v1\", \"kind\": \"EndpointSlice\",")
                text.add(
                    "      \"metadata\": {\"name\": \"svc-\(index)\", \"namespace\": \"default\", \"labels\": {\"kubernetes.io/service-name\": \"svc\"}},"
                )
                text.add("      \"addressType\": \"IPv4\",")
                text.add(
                    "      \"ports\": [{\"name\": \"\(container.ports[0].name)\", \"port\": \(container.ports[0].number)}],"
                ) {
                    $0.container = index
                    $0.isPort = true
                }
                text.add("      \"endpoints\": [") {
                    $0.isListPunctuation = true; $0.container = index
                }
                for (position, address) in container.ready.enumerated() {
                    let comma = position + 1 < container.ready.count ? "," : ""
                    text.add("        {\"addresses\": [\"\(address)\"]}\(comma)") {
                        $0.addresses = [address]
                        $0.container = index
                        $0.isListPunctuation = true
                    }
                }
                text.add("      ]") {
                    $0.isListPunctuation = true; $0.container = index
                }
                text.add(index + 1 < containers.count ? "    }," : "    }") {
                    $0.isListPunctuation = true; $0.container = index
                }
            }
            text.add("  ]") { $0.isListPunctuation = true }
            text.add("}")
            return text
        }
        let indent = style == .indentless ? "" : "  "
        for (index, container) in containers.enumerated() {
            if index > 0 { text.add("---") }
            text.add("# slice \(index)") { $0.isComment = true }
            text.add("apiVersion: discovery.k8s.io/v1")
            text.add("kind: EndpointSlice")
            text.add("metadata:")
            text.add("  name: svc-\(index)")
            text.add("  namespace: default")
            text.add("  labels:")
            text.add("    kubernetes.io/service-name: svc")
            text.add("addressType: IPv4")
            text.add("ports:") { $0.container = index }
            text.add("\(indent)- name: \(container.ports[0].name)") {
                $0.container = index; $0.isPort = true
            }
            text.add("\(indent)  port: \(container.ports[0].number)") {
                $0.container = index; $0.isPort = true
            }
            text.add("endpoints:") { $0.container = index }
            for address in container.ready {
                if Int.random(in: 0...3, using: &random) == 0 {
                    text.add("\(indent)# about \(address)") {
                        $0.isComment = true; $0.container = index
                    }
                }
                if style == .flow {
                    text.add("\(indent)- addresses: [\"\(address)\"]") {
                        $0.addresses = [address]; $0.container = index
                    }
                } else {
                    text.add("\(indent)- addresses:") {
                        $0.addresses = [address]; $0.container = index
                    }
                    text.add("\(indent)    - \(address)") {
                        $0.addresses = [address]; $0.container = index
                    }
                    if Bool.random(using: &random) {
                        text.add("\(indent)  conditions:") {
                            $0.addresses = [address]; $0.container = index
                        }
                        text.add("\(indent)    ready: true") {
                            $0.addresses = [address]; $0.container = index
                        }
                    }
                }
            }
        }
        return text
    }

    // MARK: Rendering live

    static func liveEndpoints(_ containers: [Container]) -> String {
        var lines = ["apiVersion: v1", "kind: Endpoints", "metadata: {name: svc, namespace: default}", "subsets:"]
        for container in containers where !(container.ready.isEmpty && container.notReady.isEmpty) {
            lines.append("- addresses: [\(container.ready.map { "{ip: \($0)}" }.joined(separator: ", "))]")
            lines.append("  notReadyAddresses: [\(container.notReady.map { "{ip: \($0)}" }.joined(separator: ", "))]")
            lines.append(
                "  ports: [{name: \(container.ports[0].name), port: \(container.ports[0].number), protocol: TCP}]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func liveSlices(_ containers: [Container]) -> String {
        var documents: [String] = []
        // A slice holds one address family: IPv6 addresses live in a slice of their own.
        var split: [(name: String, family: String, container: Container)] = []
        for (index, container) in containers.enumerated() {
            var v4 = container
            v4.ready = container.ready.filter { !$0.contains(":") }
            split.append(("svc-\(index)", "IPv4", v4))
            let v6 = container.ready.filter { $0.contains(":") }
            if !v6.isEmpty {
                split.append(("svc-\(index)-v6", "IPv6", Container(ready: v6, notReady: [], ports: container.ports)))
            }
        }
        for (name, family, container) in split {
            var lines = [
                "apiVersion: discovery.k8s.io/v1", "kind: EndpointSlice",
                "metadata: {name: \(name), namespace: default, labels: {kubernetes.io/service-name: svc}}",
                "addressType: \(family)",
                "ports: [{name: \(container.ports[0].name), port: \(container.ports[0].number), protocol: TCP}]",
                "endpoints:",
            ]
            for address in container.ready {
                lines.append("- {addresses: [\"\(address)\"], conditions: {ready: true}}")
            }
            for address in container.notReady {
                lines.append("- {addresses: [\"\(address)\"], conditions: {ready: false}}")
            }
            if container.ready.isEmpty && container.notReady.isEmpty { lines[lines.count - 1] = "endpoints: []" }
            documents.append(lines.joined(separator: "\n") + "\n")
        }
        return documents.joined(separator: "---\n")
    }

    // MARK: The "only changed lines" rule

    /// Whether a deleted original line is explained by a change.
    func mayChange(_ line: TaggedText.Line, at index: Int) -> Bool {
        if !line.addresses.isDisjoint(with: changedAddresses) { return true }
        if line.isPort, let container = line.container, changedContainers.contains(container) { return true }
        if line.isListPunctuation && anyChange { return true }
        if line.isComment {
            // A comment goes with the item right below it.
            var next = index + 1
            while next < desired.lines.count && desired.lines[next].isComment { next += 1 }
            if next < desired.lines.count && mayChange(desired.lines[next], at: next) { return true }
        }
        if let container = line.container {
            // Structure lines of a subset whose every address went.
            let addresses = desired.lines.filter { $0.container == container }.flatMap(\.addresses)
            if !addresses.isEmpty && Set(addresses).isSubset(of: changedAddresses) { return true }
            // `addresses:`/`notReadyAddresses:` keys of a list that was emptied or created.
            if line.addresses.isEmpty && !line.isPort && !line.isComment && line.text.hasSuffix("Addresses:") {
                return true
            }
            if line.addresses.isEmpty && line.text.trimmingSpaces.hasSuffix("addresses:") { return true }
        }
        return false
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "-" { text = text.dropFirst() }
        return String(text)
    }
}

/// The old lines a longest common subsequence keeps.
enum LineDiff {
    static func split(_ text: String) -> [String] {
        // "\r\n" is one Character in Swift: split on newline characters, not on "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func keptOld(_ old: [String], _ new: [String]) -> Set<Int> {
        let n = old.count
        let m = new.count
        var table = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = old[i] == new[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var kept: Set<Int> = []
        var i = 0
        var j = 0
        while i < n && j < m {
            if old[i] == new[j] {
                kept.insert(i)
                i += 1
                j += 1
            } else if table[i + 1][j] >= table[i][j + 1] {
                i += 1
            } else {
                j += 1
            }
        }
        return kept
    }
}
