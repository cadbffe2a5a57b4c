import Manifests

/// Writes new list items (an Endpoints address, a slice endpoint, a port) by copying a sibling and
/// changing only what must differ, so the new item has its neighbours' quoting, key order and layout.
/// Without a sibling to copy, the item is rendered in the file's style.
struct ItemTemplates {
    let editor: NodeEditor

    var text: SourceText { editor.text }

    /// Column of the dashes of a block list.
    func dashColumn(of sequence: Sequence) throws(RemediationError) -> Int? {
        guard sequence.style == .block, let first = sequence.items.first else { return nil }
        return text.column(try editor.geometry.blockItem(first).dash)
    }

    /// The text of a new item for `sequence` (`nil`: a new block list whose dashes go at `dashColumn`).
    /// `templates` are candidate siblings, best first; `edits` makes a template into the new item;
    /// `fragment` renders it when no template fits.
    func item(
        for sequence: Sequence?, dashColumn: Int?, templates: [Node],
        edits: (Node) throws(RemediationError) -> [TextEdit],
        fragment: Fragment
    ) throws(RemediationError) -> [UInt8] {
        let block = sequence.map { $0.style == .block } ?? true
        if block {
            var column = dashColumn ?? 0
            if let sequence, let listColumn = try self.dashColumn(of: sequence) { column = listColumn }
            for template in templates {
                // Only an item of a block list has whole lines to copy.
                guard (try? editor.geometry.blockItem(template)) != nil else { continue }
                return try editor.cloneBlockItem(template, edits: edits(template), dashColumn: column)
            }
            return editor.renderer.joinLines(editor.renderer.blockItem(fragment, dashIndent: column))
        }
        for template in templates where Self.isSelfContained(template) {
            return try editor.cloneFlowItem(template, edits: edits(template))
        }
        let indent =
            sequence?.items.first.map { text.indentation(ofLineAt: $0.span.start.offset) }
            ?? sequence.map { text.indentation(ofLineAt: $0.span.start.offset) + editor.style.indentStep } ?? 0
        return Array(
            (editor.style.json ? editor.renderer.json(fragment, indent: indent) : editor.renderer.flow(fragment)).utf8)
    }

    /// A flow collection or a scalar: its text does not depend on the lines around it.
    static func isSelfContained(_ node: Node) -> Bool {
        switch node {
        case .scalar: true
        case .mapping(let mapping): mapping.style == .flow
        case .sequence(let sequence): sequence.style == .flow
        }
    }

    // MARK: Endpoints addresses

    func addressEdits(ip: String) -> (Node) throws(RemediationError) -> [TextEdit] {
        { (node: Node) throws(RemediationError) -> [TextEdit] in
            guard let mapping = node.mapping, let ipNode = mapping["ip"] else {
                throw editor.geometry.unsupported("an address at line \(node.span.start.line) without `ip`")
            }
            var edits = try editor.replaceScalar(ipNode, with: .string(ip), inFlow: mapping.style == .flow, depth: 10)
            let others = Set(mapping.entries.compactMap { $0.key.scalar?.value }).subtracting(["ip"])
            edits += try editor.removeEntries(mapping, keys: others, depth: 10)
            return edits
        }
    }

    static func addressFragment(_ ip: String) -> Fragment { .map([Fragment.Entry("ip", .string(ip))]) }

    // MARK: Slice endpoints

    func endpointEdits(address: String, ready: Bool) -> (Node) throws(RemediationError) -> [TextEdit] {
        { (node: Node) throws(RemediationError) -> [TextEdit] in
            guard let mapping = node.mapping, let addresses = mapping["addresses"]?.sequence,
                let first = addresses.items.first
            else {
                throw editor.geometry.unsupported("an endpoint at line \(node.span.start.line) without addresses")
            }
            var edits = try editor.replaceScalar(
                first, with: .string(address), inFlow: addresses.style == .flow || mapping.style == .flow, depth: 10)
            if addresses.items.count > 1,
                case .edits(let removals) = try editor.editSequence(
                    addresses, removals: Set(1..<addresses.items.count), insertions: [], depth: 10)
            {
                edits += removals
            }
            var removedKeys = Set(mapping.entries.compactMap { $0.key.scalar?.value }).subtracting([
                "addresses", "conditions",
            ])
            let templateReady = Self.isReady(node)
            if let conditions = mapping["conditions"]?.mapping {
                var conditionRemovals: Set<String> = []
                if templateReady != ready {
                    conditionRemovals = Set(
                        conditions.entries.compactMap { $0.key.scalar?.value }.filter {
                            $0 == "serving" || $0 == "terminating"
                        })
                }
                let remaining = Set(conditions.entries.compactMap { $0.key.scalar?.value }).subtracting(
                    conditionRemovals)
                if let readyEntry = conditions.entry("ready") {
                    if templateReady != ready {
                        edits += try editor.replaceScalar(
                            readyEntry.value, with: .bool(ready), inFlow: conditions.style == .flow, depth: 11)
                    }
                    edits += try editor.removeEntries(conditions, keys: conditionRemovals, depth: 11)
                } else if !ready {
                    edits += try editor.insertEntry(
                        conditions, after: nil, key: "ready", value: .fragment(.bool(false)), depth: 11)
                    edits += try editor.removeEntries(conditions, keys: conditionRemovals, depth: 11)
                } else if remaining.isEmpty {
                    removedKeys.insert("conditions")
                } else {
                    edits += try editor.removeEntries(conditions, keys: conditionRemovals, depth: 11)
                }
            } else if !ready {
                edits += try editor.insertEntry(
                    mapping, after: "addresses", key: "conditions",
                    value: .fragment(.map([Fragment.Entry("ready", .bool(false))])), depth: 10)
            }
            edits += try editor.removeEntries(mapping, keys: removedKeys, depth: 10)
            return edits
        }
    }

    static func endpointFragment(address: String, ready: Bool) -> Fragment {
        var entries = [Fragment.Entry("addresses", .seq([.string(address)]))]
        if !ready { entries.append(Fragment.Entry("conditions", .map([Fragment.Entry("ready", .bool(false))]))) }
        return .map(entries)
    }

    /// `conditions.ready` of an endpoint node, absent meaning true.
    static func isReady(_ node: Node) -> Bool {
        guard let ready = node.mapping?["conditions"]?.mapping?["ready"]?.scalar,
            case .bool(let value) = ready.resolved
        else { return true }
        return value
    }

    // MARK: Ports

    /// Edits that make the port map `node` say `spec`, value by value in place.
    func portEdits(to spec: PortSpec) -> (Node) throws(RemediationError) -> [TextEdit] {
        { (node: Node) throws(RemediationError) -> [TextEdit] in
            guard let mapping = node.mapping else {
                throw editor.geometry.unsupported("a port at line \(node.span.start.line) that is not a map")
            }
            let flow = mapping.style == .flow
            var edits: [TextEdit] = []
            var removals: Set<String> = []
            var insertions: [(String, Fragment)] = []
            let writtenName = mapping["name"]?.stringValue ?? ""
            if spec.name != writtenName {
                if spec.name.isEmpty {
                    removals.insert("name")
                } else if let name = mapping["name"] {
                    edits += try editor.replaceScalar(name, with: .string(spec.name), inFlow: flow, depth: 12)
                } else {
                    insertions.append(("name", .string(spec.name)))
                }
            }
            let writtenPort: Int? = mapping["port"]?.scalar.flatMap {
                if case .int(let value) = $0.resolved { return value }
                return nil
            }
            if spec.port != writtenPort {
                if let port = spec.port {
                    if let node = mapping["port"] {
                        edits += try editor.replaceScalar(node, with: .int(port), inFlow: flow, depth: 12)
                    } else {
                        insertions.append(("port", .int(port)))
                    }
                } else {
                    removals.insert("port")
                }
            }
            let writtenProtocol = mapping["protocol"]?.stringValue
            if spec.protocol != (writtenProtocol ?? "TCP") {
                if let node = mapping["protocol"] {
                    edits += try editor.replaceScalar(node, with: .string(spec.protocol), inFlow: flow, depth: 12)
                } else {
                    insertions.append(("protocol", .string(spec.protocol)))
                }
            }
            let writtenApp = mapping["appProtocol"]?.stringValue
            if spec.appProtocol != writtenApp {
                if let appProtocol = spec.appProtocol {
                    if let node = mapping["appProtocol"] {
                        edits += try editor.replaceScalar(node, with: .string(appProtocol), inFlow: flow, depth: 12)
                    } else {
                        insertions.append(("appProtocol", .string(appProtocol)))
                    }
                } else {
                    removals.insert("appProtocol")
                }
            }
            let extra = Set(mapping.entries.compactMap { $0.key.scalar?.value }).subtracting([
                "name", "port", "protocol", "appProtocol",
            ])
            edits += try editor.removeEntries(mapping, keys: removals.union(extra), depth: 12)
            for (key, value) in insertions {
                edits += try editor.insertEntry(mapping, after: nil, key: key, value: .fragment(value), depth: 12)
            }
            return edits
        }
    }

    static func portFragment(_ spec: PortSpec) -> Fragment {
        var entries: [Fragment.Entry] = []
        if !spec.name.isEmpty { entries.append(Fragment.Entry("name", .string(spec.name))) }
        if let port = spec.port { entries.append(Fragment.Entry("port", .int(port))) }
        entries.append(Fragment.Entry("protocol", .string(spec.protocol)))
        if let appProtocol = spec.appProtocol { entries.append(Fragment.Entry("appProtocol", .string(appProtocol))) }
        return .map(entries)
    }
}
