import Manifests

/// Applies the operations of one `ObjectEdit` to the object's node, as byte edits on the file.
struct ObjectEditor {
    let editor: NodeEditor
    let root: Mapping
    let ref: ObjectRef
    var templates: ItemTemplates { ItemTemplates(editor: editor) }
    var text: SourceText { editor.text }

    func edits(for operations: [EditOperation]) throws(RemediationError) -> [TextEdit] {
        switch ref.kind {
        case .endpoints: return try endpointsEdits(operations)
        case .endpointSlice: return try sliceEdits(operations)
        case .service: return []
        }
    }

    private func mismatch(_ what: String) -> RemediationError {
        RemediationError(
            operation: "edit", subject: "\(ref) in \(editor.subject)",
            message: "\(what); the file does not hold what the plan was made from")
    }

    // MARK: Endpoints

    private struct SubsetChanges {
        var removals: [Bool: Set<Int>] = [:]
        var expected: [Bool: [Int: String]] = [:]
        var additions: [Bool: [String]] = [:]
        var portReplacements: [Int: PortSpec] = [:]
        var portRemovals: Set<Int> = []
        var portAdditions: [PortSpec] = []
    }

    private func endpointsEdits(_ operations: [EditOperation]) throws(RemediationError) -> [TextEdit] {
        var removedSubsets: Set<Int> = []
        var newSubsets: [(ready: [String], notReady: [String], ports: [PortSpec])] = []
        var changes: [Int: SubsetChanges] = [:]
        for operation in operations {
            switch operation {
            case .removeAddress(let subset, let notReady, let index, let ip):
                changes[subset, default: SubsetChanges()].removals[notReady, default: []].insert(index)
                changes[subset, default: SubsetChanges()].expected[notReady, default: [:]][index] = ip
            case .addAddress(let subset, let notReady, let ip):
                changes[subset, default: SubsetChanges()].additions[notReady, default: []].append(ip)
            case .removeSubset(let subset):
                removedSubsets.insert(subset)
            case .addSubset(let ready, let notReady, let ports):
                newSubsets.append((ready, notReady, ports))
            case .replacePort(let subset?, let index, _, let to):
                changes[subset, default: SubsetChanges()].portReplacements[index] = to
            case .removePort(let subset?, let index, _):
                changes[subset, default: SubsetChanges()].portRemovals.insert(index)
            case .addPort(let subset?, let port):
                changes[subset, default: SubsetChanges()].portAdditions.append(port)
            default:
                throw mismatch("an EndpointSlice operation for an Endpoints object")
            }
        }
        let subsetsEntry = root.entry("subsets")
        guard let subsets = subsetsEntry?.value.sequence else {
            guard !newSubsets.isEmpty else {
                if changes.isEmpty && removedSubsets.isEmpty { return [] }
                throw mismatch("no `subsets` list")
            }
            if let entry = subsetsEntry, !entry.value.isNull { throw mismatch("`subsets` is not a list") }
            if subsetsEntry != nil {
                throw editor.geometry.unsupported("an empty `subsets:` value at line \(root.span.start.line)")
            }
            let fragments = newSubsets.map { subsetFragment($0.ready, $0.notReady, $0.ports) }
            return try editor.insertEntry(root, after: nil, key: "subsets", value: .fragment(.seq(fragments)), depth: 1)
        }
        var edits: [TextEdit] = []
        for (index, change) in changes.sorted(by: { $0.key < $1.key }) where !removedSubsets.contains(index) {
            guard index < subsets.items.count, let subset = subsets.items[index].mapping else {
                throw mismatch("no subset \(index)")
            }
            edits += try addressListEdits(subset, change)
            edits += try portListEdits(
                subset, subsetIndex: index, change.portReplacements, change.portRemovals, change.portAdditions, depth: 3
            )
        }
        for index in removedSubsets where index >= subsets.items.count { throw mismatch("no subset \(index)") }
        var insertions: [(gap: Int, text: [UInt8])] = []
        for subset in newSubsets {
            insertions.append(
                (subsets.items.count, try newSubsetItem(subset.ready, subset.notReady, subset.ports, in: subsets)))
        }
        switch try editor.editSequence(subsets, removals: removedSubsets, insertions: insertions, depth: 1) {
        case .edits(let more): edits += more
        case .empty:
            if let entry = subsetsEntry { edits += try emptyList(entry) }
        }
        return edits
    }

    /// Whether a comment follows the scalar on its line.
    private func hasTrailingComment(_ node: Node) -> Bool {
        let end = node.span.end.offset
        let lineEnd = editor.text.lineEnd(end)
        return editor.text.bytes[end..<lineEnd].contains(UInt8(ascii: "#"))
    }

    private func addressListEdits(_ subset: Mapping, _ change: SubsetChanges) throws(RemediationError) -> [TextEdit] {
        var edits: [TextEdit] = []
        func finalCount(_ notReady: Bool) -> Int {
            (subset[notReady ? "notReadyAddresses" : "addresses"]?.sequence?.items.count ?? 0)
                - (change.removals[notReady]?.count ?? 0) + (change.additions[notReady]?.count ?? 0)
        }
        // One list empties while the other, absent, gains addresses (every address flips readiness):
        // rename the key and reuse the list, rather than remove one entry and insert another.
        for notReady in [false, true] {
            let key = notReady ? "notReadyAddresses" : "addresses"
            let otherKey = notReady ? "addresses" : "notReadyAddresses"
            guard let entry = subset.entry(key), let list = entry.value.sequence, finalCount(notReady) == 0,
                subset.entry(otherKey) == nil, let additions = change.additions[!notReady], !additions.isEmpty
            else { continue }
            for (index, ip) in change.expected[notReady] ?? [:] {
                guard index < list.items.count,
                    IPAddress.canonicalText(list.items[index].mapping?["ip"]?.stringValue ?? "")
                        == IPAddress.canonicalText(ip)
                else { throw mismatch("\(key)[\(index)] is not \(ip)") }
            }
            // Items whose address only flips readiness stay where they are, as written; the others
            // go, and the new addresses are added.
            var flipping = Set(additions.map(IPAddress.canonicalText))
            var removals: Set<Int> = []
            var kept: Set<String> = []
            for (index, item) in list.items.enumerated() {
                let ip = IPAddress.canonicalText(item.mapping?["ip"]?.stringValue ?? "")
                if let flipped = flipping.remove(ip) { kept.insert(flipped) } else { removals.insert(index) }
            }
            var insertions: [(gap: Int, text: [UInt8])] = []
            for ip in additions.sorted(by: AddressOrderProxy.less) where !kept.contains(IPAddress.canonicalText(ip)) {
                insertions.append(
                    (
                        list.items.count,
                        try templates.item(
                            for: list, dashColumn: nil, templates: list.items, edits: templates.addressEdits(ip: ip),
                            fragment: ItemTemplates.addressFragment(ip))
                    ))
            }
            edits += try editor.replaceScalar(
                entry.key, with: .string(otherKey), inFlow: subset.style == .flow, depth: 3)
            if case .edits(let more) = try editor.editSequence(
                list, removals: removals, insertions: insertions, depth: 4)
            {
                edits += more
            }
            return edits
        }
        for notReady in [false, true] {
            let key = notReady ? "notReadyAddresses" : "addresses"
            var removals = change.removals[notReady] ?? []
            var additions = (change.additions[notReady] ?? []).sorted(by: AddressOrderProxy.less)
            guard !removals.isEmpty || !additions.isEmpty else { continue }
            let entry = subset.entry(key)
            let siblings = allAddressItems()
            if let list = entry?.value.sequence {
                for index in removals {
                    guard index < list.items.count,
                        IPAddress.canonicalText(list.items[index].mapping?["ip"]?.stringValue ?? "")
                            == IPAddress.canonicalText(change.expected[notReady]?[index] ?? "")
                    else { throw mismatch("\(key)[\(index)] is not \(change.expected[notReady]?[index] ?? "?")") }
                }
                // An address replaced by another keeps its line when a trailing comment names the
                // backend (`- ip: 192.0.2.13  # rgw-b1`): only the value changes.
                for index in removals.sorted() {
                    guard let item = list.items[index].mapping, item.entries.count == 1, let ipNode = item["ip"],
                        hasTrailingComment(ipNode)
                    else { continue }
                    // Not an address that only moves here from the other list (a readiness flip).
                    let flipping = Set((change.expected[!notReady] ?? [:]).values.map(IPAddress.canonicalText))
                    guard
                        let replacement = additions.firstIndex(where: {
                            !flipping.contains(IPAddress.canonicalText($0))
                        })
                    else { break }
                    edits += try editor.replaceScalar(
                        ipNode, with: .string(additions.remove(at: replacement)), inFlow: item.style == .flow,
                        depth: 5)
                    removals.remove(index)
                }
                let order = InsertionOrder(
                    existing: list.items.map { IPAddress.canonicalText($0.mapping?["ip"]?.stringValue ?? "") },
                    removed: removals)
                let candidates = list.items + siblings
                var insertions: [(gap: Int, text: [UInt8])] = []
                for ip in additions {
                    if let moved = try movedItem(
                        ip, from: !notReady, to: templates.dashColumn(of: list), subset, change)
                    {
                        insertions.append((order.gap(for: ip), moved))
                        continue
                    }
                    let item = try templates.item(
                        for: list, dashColumn: nil, templates: candidates, edits: templates.addressEdits(ip: ip),
                        fragment: ItemTemplates.addressFragment(ip))
                    insertions.append((order.gap(for: ip), item))
                }
                switch try editor.editSequence(list, removals: removals, insertions: insertions, depth: 4) {
                case .edits(let more): edits += more
                case .empty:
                    if finalCount(!notReady) > 0, let entry {
                        edits += try editor.removeEntries(subset, keys: [key], depth: 3)
                        _ = entry
                    } else if let entry {
                        edits += try emptyList(entry)
                    }
                }
            } else {
                guard !additions.isEmpty else { throw mismatch("no `\(key)` list") }
                if let entry, !entry.value.isNull { throw mismatch("`\(key)` is not a list") }
                if entry != nil { throw editor.geometry.unsupported("an empty `\(key):` value") }
                let after = notReady ? "addresses" : nil
                if subset.style == .block {
                    let column = try newListDashColumn(in: subset)
                    var items: [[UInt8]] = []
                    for ip in additions {
                        if let moved = try movedItem(ip, from: !notReady, to: column, subset, change) {
                            items.append(moved)
                            continue
                        }
                        items.append(
                            try templates.item(
                                for: nil, dashColumn: column, templates: siblings,
                                edits: templates.addressEdits(ip: ip),
                                fragment: ItemTemplates.addressFragment(ip)))
                    }
                    edits += try editor.insertEntry(subset, after: after, key: key, value: .blockItems(items), depth: 3)
                } else {
                    edits += try editor.insertEntry(
                        subset, after: after, key: key,
                        value: .fragment(.seq(additions.map(ItemTemplates.addressFragment))),
                        depth: 3)
                }
            }
        }
        return edits
    }

    /// When `ip` is being removed from the other list of `subset` (its readiness flips), that item's
    /// lines as written, comments included, for a block list whose dashes go at `dashColumn`; else nil.
    private func movedItem(
        _ ip: String, from notReady: Bool, to dashColumn: Int?, _ subset: Mapping, _ change: SubsetChanges
    ) throws(RemediationError) -> [UInt8]? {
        guard let dashColumn, let other = subset[notReady ? "notReadyAddresses" : "addresses"]?.sequence,
            other.style == .block
        else { return nil }
        let canonical = IPAddress.canonicalText(ip)
        for index in (change.removals[notReady] ?? []).sorted() where index < other.items.count {
            let item = other.items[index]
            if IPAddress.canonicalText(item.mapping?["ip"]?.stringValue ?? "") == canonical {
                return try editor.moveBlockItem(item, dashColumn: dashColumn)
            }
        }
        return nil
    }

    /// Every address item of the object (templates for new ones).
    private func allAddressItems() -> [Node] {
        (root["subsets"]?.sequence?.items ?? []).flatMap { subset -> [Node] in
            (subset.mapping?["addresses"]?.sequence?.items ?? [])
                + (subset.mapping?["notReadyAddresses"]?.sequence?.items ?? [])
        }
    }

    /// Dash column for a new block list under a key of `mapping`: as the map's other lists are
    /// indented, else the file's habit.
    private func newListDashColumn(in mapping: Mapping) throws(RemediationError) -> Int {
        guard let first = mapping.entries.first else { return editor.style.sequenceIndent }
        let keyColumn = text.column(first.key.span.start.offset)
        for entry in mapping.entries {
            if let list = entry.value.sequence, let column = try templates.dashColumn(of: list) {
                return column - text.column(entry.key.span.start.offset) + keyColumn
            }
        }
        return keyColumn + editor.style.sequenceIndent
    }

    /// `key: []` in place of a block list, or `[]` for a flow one.
    private func emptyList(_ entry: Mapping.Entry) throws(RemediationError) -> [TextEdit] {
        guard let list = entry.value.sequence else { return [] }
        if list.style == .flow {
            let brackets = try editor.geometry.flowBrackets(list.span)
            return [TextEdit(delete: (brackets.open + 1)..<brackets.close, depth: 5)]
        }
        var colon = editor.geometry.contentEnd(entry.key)
        while colon < text.count, text.bytes[colon] != UInt8(ascii: ":") { colon += 1 }
        return [
            TextEdit(
                range: (colon + 1)..<editor.geometry.contentEnd(entry.value), replacement: Array(" []".utf8), depth: 5)
        ]
    }

    private func subsetFragment(_ ready: [String], _ notReady: [String], _ ports: [PortSpec]) -> Fragment {
        var entries: [Fragment.Entry] = []
        if !ready.isEmpty {
            entries.append(Fragment.Entry("addresses", .seq(ready.map(ItemTemplates.addressFragment))))
        }
        if !notReady.isEmpty {
            entries.append(Fragment.Entry("notReadyAddresses", .seq(notReady.map(ItemTemplates.addressFragment))))
        }
        entries.append(Fragment.Entry("ports", .seq(ports.map(ItemTemplates.portFragment))))
        return .map(entries)
    }

    /// A new subset written like its siblings: in block style its address and port items are copies
    /// of existing ones; in flow style (and JSON) it is rendered.
    private func newSubsetItem(
        _ ready: [String], _ notReady: [String], _ ports: [PortSpec], in subsets: Sequence
    ) throws(RemediationError) -> [UInt8] {
        let fragment = subsetFragment(ready, notReady, ports)
        guard subsets.style == .block, let model = subsets.items.first?.mapping,
            let modelFirst = model.entries.first
        else {
            return try templates.item(
                for: subsets, dashColumn: nil, templates: [], edits: { _ in [] }, fragment: fragment)
        }
        let dash = try editor.geometry.blockItem(subsets.items[0]).dash
        let dashColumn = text.column(dash)
        let keyColumn = text.column(modelFirst.key.span.start.offset)
        let listColumn = try newListDashColumn(in: model)
        let siblingsOfAddresses = allAddressItems()
        let siblingsOfPorts = (subsets.items).flatMap { $0.mapping?["ports"]?.sequence?.items ?? [] }
        var lines: [UInt8] = []
        var first = true
        func keyLine(_ key: String) {
            let pad =
                first
                ? String(repeating: " ", count: dashColumn) + "-"
                    + String(repeating: " ", count: max(1, keyColumn - dashColumn - 1))
                : String(repeating: " ", count: keyColumn)
            lines += editor.renderer.joinLines([pad + key + ":"])
            first = false
        }
        for (key, ips) in [("addresses", ready), ("notReadyAddresses", notReady)] where !ips.isEmpty {
            keyLine(key)
            for ip in ips {
                lines += try templates.item(
                    for: nil, dashColumn: listColumn, templates: siblingsOfAddresses,
                    edits: templates.addressEdits(ip: ip),
                    fragment: ItemTemplates.addressFragment(ip))
            }
        }
        keyLine("ports")
        for port in ports {
            lines += try templates.item(
                for: nil, dashColumn: listColumn, templates: siblingsOfPorts, edits: templates.portEdits(to: port),
                fragment: ItemTemplates.portFragment(port))
        }
        return lines
    }

    // MARK: Ports (subsets and slices)

    private func portListEdits(
        _ container: Mapping, subsetIndex: Int?, _ replacements: [Int: PortSpec], _ removals: Set<Int>,
        _ additions: [PortSpec], depth: Int
    ) throws(RemediationError) -> [TextEdit] {
        guard !replacements.isEmpty || !removals.isEmpty || !additions.isEmpty else { return [] }
        let entry = container.entry("ports")
        let allPortItems =
            ref.kind == .endpoints
            ? (root["subsets"]?.sequence?.items ?? []).flatMap { $0.mapping?["ports"]?.sequence?.items ?? [] }
            : (root["ports"]?.sequence?.items ?? [])
        guard let list = entry?.value.sequence else {
            guard replacements.isEmpty && removals.isEmpty else { throw mismatch("no `ports` list") }
            if let entry, !entry.value.isNull { throw mismatch("`ports` is not a list") }
            if entry != nil { throw editor.geometry.unsupported("an empty `ports:` value") }
            if container.style == .block {
                let column = try newListDashColumn(in: container)
                var items: [[UInt8]] = []
                for port in additions {
                    items.append(
                        try templates.item(
                            for: nil, dashColumn: column, templates: allPortItems, edits: templates.portEdits(to: port),
                            fragment: ItemTemplates.portFragment(port)))
                }
                return try editor.insertEntry(
                    container, after: nil, key: "ports", value: .blockItems(items), depth: depth)
            }
            return try editor.insertEntry(
                container, after: nil, key: "ports", value: .fragment(.seq(additions.map(ItemTemplates.portFragment))),
                depth: depth)
        }
        var edits: [TextEdit] = []
        for (index, spec) in replacements.sorted(by: { $0.key < $1.key }) where !removals.contains(index) {
            guard index < list.items.count else { throw mismatch("no port \(index)") }
            edits += try templates.portEdits(to: spec)(list.items[index])
        }
        var insertions: [(gap: Int, text: [UInt8])] = []
        for port in additions {
            insertions.append(
                (
                    list.items.count,
                    try templates.item(
                        for: list, dashColumn: nil, templates: list.items + allPortItems,
                        edits: templates.portEdits(to: port),
                        fragment: ItemTemplates.portFragment(port))
                ))
        }
        switch try editor.editSequence(list, removals: removals, insertions: insertions, depth: depth + 1) {
        case .edits(let more): edits += more
        case .empty: throw mismatch("every port of \(subsetIndex.map { "subset \($0)" } ?? "the slice") would go")
        }
        return edits
    }

    // MARK: EndpointSlice

    private func sliceEdits(_ operations: [EditOperation]) throws(RemediationError) -> [TextEdit] {
        var removals: [Int: String] = [:]
        var additions: [(address: String, ready: Bool)] = []
        var readiness: [Int: (String, Bool)] = [:]
        var portReplacements: [Int: PortSpec] = [:]
        var portRemovals: Set<Int> = []
        var portAdditions: [PortSpec] = []
        for operation in operations {
            switch operation {
            case .removeEndpoint(let index, let address): removals[index] = address
            case .addEndpoint(let address, let ready): additions.append((address, ready))
            case .setReady(let index, let address, let ready): readiness[index] = (address, ready)
            case .replacePort(nil, let index, _, let to): portReplacements[index] = to
            case .removePort(nil, let index, _): portRemovals.insert(index)
            case .addPort(nil, let port): portAdditions.append(port)
            default: throw mismatch("an Endpoints operation for an EndpointSlice")
            }
        }
        var edits = try portListEdits(root, subsetIndex: nil, portReplacements, portRemovals, portAdditions, depth: 1)
        guard !removals.isEmpty || !additions.isEmpty || !readiness.isEmpty else { return edits }
        additions.sort { AddressOrderProxy.less($0.address, $1.address) }
        let entry = root.entry("endpoints")
        guard let list = entry?.value.sequence else {
            guard removals.isEmpty && readiness.isEmpty else { throw mismatch("no `endpoints` list") }
            if let entry, !entry.value.isNull { throw mismatch("`endpoints` is not a list") }
            if entry != nil { throw editor.geometry.unsupported("an empty `endpoints:` value") }
            let fragments = additions.map { ItemTemplates.endpointFragment(address: $0.address, ready: $0.ready) }
            if root.style == .block {
                let column = try newListDashColumn(in: root)
                let items = fragments.map {
                    editor.renderer.joinLines(editor.renderer.blockItem($0, dashIndent: column))
                }
                return edits
                    + (try editor.insertEntry(
                        root, after: "addressType", key: "endpoints", value: .blockItems(items), depth: 1))
            }
            return edits
                + (try editor.insertEntry(
                    root, after: "addressType", key: "endpoints", value: .fragment(.seq(fragments)), depth: 1))
        }
        func firstAddress(_ node: Node) -> String {
            IPAddress.canonicalText(node.mapping?["addresses"]?.sequence?.items.first?.stringValue ?? "")
        }
        for (index, address) in removals {
            guard index < list.items.count, firstAddress(list.items[index]) == IPAddress.canonicalText(address) else {
                throw mismatch("endpoints[\(index)] is not \(address)")
            }
        }
        for (index, change) in readiness.sorted(by: { $0.key < $1.key }) where removals[index] == nil {
            guard index < list.items.count, firstAddress(list.items[index]) == IPAddress.canonicalText(change.0),
                let endpoint = list.items[index].mapping
            else { throw mismatch("endpoints[\(index)] is not \(change.0)") }
            edits += try readinessEdits(endpoint, ready: change.1)
        }
        let removedIndices = Set(removals.keys)
        let order = InsertionOrder(existing: list.items.map(firstAddress), removed: removedIndices)
        // The best model has the same readiness and the fewest fields to take out; ranked once per readiness.
        let withAddresses = list.items.filter { $0.mapping?["addresses"]?.sequence?.items.isEmpty == false }
        var ranked: [Bool: [Node]] = [:]
        for ready in [true, false] {
            ranked[ready] = withAddresses.sorted {
                (ItemTemplates.isReady($0) == ready ? 0 : 1, $0.mapping?.entries.count ?? 0)
                    < (ItemTemplates.isReady($1) == ready ? 0 : 1, $1.mapping?.entries.count ?? 0)
            }
        }
        var insertions: [(gap: Int, text: [UInt8])] = []
        for addition in additions {
            let candidates = ranked[addition.ready] ?? []
            let item = try templates.item(
                for: list, dashColumn: nil, templates: candidates,
                edits: templates.endpointEdits(address: addition.address, ready: addition.ready),
                fragment: ItemTemplates.endpointFragment(address: addition.address, ready: addition.ready))
            insertions.append((order.gap(for: addition.address), item))
        }
        switch try editor.editSequence(list, removals: removedIndices, insertions: insertions, depth: 2) {
        case .edits(let more): edits += more
        case .empty:
            if let entry { edits += try emptyList(entry) }
        }
        return edits
    }

    private func readinessEdits(_ endpoint: Mapping, ready: Bool) throws(RemediationError) -> [TextEdit] {
        if let conditions = endpoint["conditions"]?.mapping {
            if let entry = conditions.entry("ready") {
                return try editor.replaceScalar(
                    entry.value, with: .bool(ready), inFlow: conditions.style == .flow, depth: 4)
            }
            guard !ready else { return [] }
            return try editor.insertEntry(
                conditions, after: nil, key: "ready", value: .fragment(.bool(false)), depth: 4)
        }
        if let entry = endpoint.entry("conditions"), !entry.value.isNull {
            throw mismatch("`conditions` is not a map")
        }
        guard !ready else { return [] }
        if endpoint.entry("conditions") != nil {
            throw editor.geometry.unsupported("an empty `conditions:` value")
        }
        return try editor.insertEntry(
            endpoint, after: "addresses", key: "conditions",
            value: .fragment(.map([Fragment.Entry("ready", .bool(false))])), depth: 3)
    }

    // MARK: Order

    /// Where new addresses go in a list: at their place in numeric order when the kept ones are in
    /// order, else at the end. Sort keys are computed once per list (parsing an address per comparison
    /// made large lists quadratic in practice).
    struct InsertionOrder {
        private let keys: [AddressSortKey]
        private let kept: [Int]
        private let sorted: Bool
        private let count: Int

        init(existing: [String], removed: Set<Int>) {
            keys = existing.map(AddressSortKey.init)
            kept = existing.indices.filter { !removed.contains($0) }
            count = existing.count
            var ordered = true
            var index = 1
            while index < kept.count {
                if keys[kept[index]] < keys[kept[index - 1]] {
                    ordered = false
                    break
                }
                index += 1
            }
            sorted = ordered
        }

        /// The gap (original index) before which `address` goes.
        func gap(for address: String) -> Int {
            guard sorted else { return count }
            let key = AddressSortKey(address)
            var low = 0
            var high = kept.count
            while low < high {
                let middle = (low + high) / 2
                if key < keys[kept[middle]] { high = middle } else { low = middle + 1 }
            }
            return low < kept.count ? kept[low] : count
        }
    }
}

/// Numeric address order (10.0.0.9 before 10.0.0.10, IPv4 before IPv6 before names), as `BackendKey` sorts.
struct AddressSortKey: Comparable {
    var rank: Int
    var bytes: [UInt8]
    var text: String

    init(_ address: String) {
        if let parsed = IPAddress(address) {
            rank = parsed.family == .ipv4 ? 0 : 1
            bytes = parsed.bytes
        } else {
            rank = 2
            bytes = []
        }
        text = address.lowercased()
    }

    static func < (lhs: AddressSortKey, rhs: AddressSortKey) -> Bool {
        if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
        if lhs.bytes != rhs.bytes { return lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
        return lhs.text < rhs.text
    }
}
