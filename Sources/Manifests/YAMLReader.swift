import CLibYAML

/// Reads YAML text into `Node` trees with libyaml's event parser.
///
/// We use libyaml directly rather than a Codable layer because it is several times faster, it gives
/// the start and end of every node (the remediation editor needs both), and it lets us bound alias
/// expansion and nesting ourselves.
public enum YAMLReader {
    /// Parses every document in `text`. `origin` is the position of `text`'s first byte in its file,
    /// so that marks are file positions even when `text` is one document cut out of a larger file.
    /// Empty documents yield no node.
    public static func documents(
        in text: UnsafeRawBufferPointer,
        origin: Mark = Mark(offset: 0, line: 1, column: 1),
        limits: ParseLimits = .standard
    ) throws(ManifestError) -> [Node] {
        guard let base = text.baseAddress, !text.isEmpty else { return [] }
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw ManifestError(kind: .syntax, at: origin, "libyaml could not allocate a parser")
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, base.assumingMemoryBound(to: UInt8.self), text.count)
        var builder = TreeBuilder(positions: PositionMapper(text: text, origin: origin), limits: limits)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else {
                throw builder.positions.syntaxError(parser.pointee)
            }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_STREAM_END_EVENT { break }
            try builder.handle(event)
        }
        return builder.documents
    }

    /// Convenience for tests and small inputs.
    public static func documents(in text: String, limits: ParseLimits = .standard) throws(ManifestError) -> [Node] {
        var copy = text
        let result = copy.withUTF8 { buffer in
            Result { () throws(ManifestError) in try documents(in: UnsafeRawBufferPointer(buffer), limits: limits) }
        }
        return try result.get()
    }
}

/// Turns libyaml marks (character index, 0-based line and column) into file marks (byte offset,
/// 1-based line and column).
struct PositionMapper {
    let text: UnsafeRawBufferPointer
    let origin: Mark
    /// Byte offset of each character; only built for text that is not pure ASCII.
    private let characterOffsets: [Int]?

    init(text: UnsafeRawBufferPointer, origin: Mark) {
        self.text = text
        self.origin = origin
        if text.allSatisfy({ $0 < 0x80 }) {
            characterOffsets = nil
        } else {
            var offsets: [Int] = []
            offsets.reserveCapacity(text.count)
            for (offset, byte) in text.enumerated() where byte & 0xC0 != 0x80 {
                offsets.append(offset)
            }
            offsets.append(text.count)
            characterOffsets = offsets
        }
    }

    func mark(_ raw: yaml_mark_t) -> Mark {
        let index = Int(raw.index)
        var byteOffset = index
        if let characterOffsets {
            byteOffset = index < characterOffsets.count ? characterOffsets[index] : text.count
        }
        let line = Int(raw.line)
        return Mark(
            offset: origin.offset + byteOffset,
            line: origin.line + line,
            column: line == 0 ? origin.column + Int(raw.column) : Int(raw.column) + 1)
    }

    func syntaxError(_ parser: yaml_parser_t) -> ManifestError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var message = problem
        if let context = parser.context {
            let contextMark = mark(parser.context_mark)
            message += " (\(String(cString: context)) that starts at line \(contextMark.line))"
        }
        if parser.error == YAML_READER_ERROR {
            let at = mark(yaml_mark_t(index: parser.problem_offset, line: 0, column: 0))
            return ManifestError(kind: .encoding, line: 0, column: 0, message: "\(message) at byte \(at.offset)")
        }
        return ManifestError(kind: .syntax, at: mark(parser.problem_mark), message)
    }
}

/// Builds nodes from libyaml events with an explicit stack, so nesting depth never reaches the
/// machine stack, and counts nodes as aliases expand them.
private struct TreeBuilder {
    struct Frame {
        var isMapping: Bool
        var style: CollectionStyle
        var anchor: String?
        var start: Mark
        var children: [Node] = []
        var expandedCount = 1
    }

    let positions: PositionMapper
    let limits: ParseLimits
    var documents: [Node] = []
    private var stack: [Frame] = []
    private var anchors: [String: (node: Node, count: Int)] = [:]
    private var expandedTotal = 0
    private var root: (node: Node, count: Int)?

    init(positions: PositionMapper, limits: ParseLimits) {
        self.positions = positions
        self.limits = limits
    }

    mutating func handle(_ event: yaml_event_t) throws(ManifestError) {
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            anchors = [:]
            expandedTotal = 0
            root = nil
        case YAML_DOCUMENT_END_EVENT:
            if let root, !root.node.isNull { documents.append(root.node) }
            root = nil
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = Self.string(data.value, count: data.length) ?? ""
            let node = Node.scalar(
                Scalar(
                    value: value, style: Self.style(data.style), tag: Self.string(data.tag),
                    span: span(event)))
            try add(node, count: 1, anchor: Self.string(data.anchor), at: event)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                throw ManifestError(kind: .syntax, at: positions.mark(event.start_mark), "unknown alias *\(name)")
            }
            try add(target.node, count: target.count, anchor: nil, at: event)
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            try push(
                Frame(
                    isMapping: false, style: data.style == YAML_FLOW_SEQUENCE_STYLE ? .flow : .block,
                    anchor: Self.string(data.anchor), start: positions.mark(event.start_mark)), at: event)
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            try push(
                Frame(
                    isMapping: true, style: data.style == YAML_FLOW_MAPPING_STYLE ? .flow : .block,
                    anchor: Self.string(data.anchor), start: positions.mark(event.start_mark)), at: event)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let spanOfFrame = SourceSpan(start: frame.start, end: positions.mark(event.end_mark))
            let node: Node
            if frame.isMapping {
                node = .mapping(try Self.mapping(frame.children, style: frame.style, span: spanOfFrame))
            } else {
                node = .sequence(Sequence(items: frame.children, style: frame.style, span: spanOfFrame))
            }
            try attach(node, count: frame.expandedCount, anchor: frame.anchor)
        default:
            break
        }
    }

    private mutating func push(_ frame: Frame, at event: yaml_event_t) throws(ManifestError) {
        guard stack.count < limits.maxDepth else {
            throw ManifestError(
                kind: .depthLimit, at: positions.mark(event.start_mark),
                "collections are nested more than \(limits.maxDepth) levels deep; not a Kubernetes manifest")
        }
        try count(1, at: event)
        stack.append(frame)
    }

    private mutating func add(
        _ node: Node, count nodes: Int, anchor: String?, at event: yaml_event_t
    )
        throws(ManifestError)
    {
        try count(nodes, at: event)
        try attach(node, count: nodes, anchor: anchor)
    }

    private mutating func count(_ nodes: Int, at event: yaml_event_t) throws(ManifestError) {
        expandedTotal += nodes
        if expandedTotal > limits.maxExpandedNodes {
            throw ManifestError(
                kind: .aliasLimit, at: positions.mark(event.start_mark),
                "aliases expand this document to more than \(limits.maxExpandedNodes) nodes "
                    + "(a \"billion laughs\" document?); refusing to read it")
        }
    }

    private mutating func attach(_ node: Node, count nodes: Int, anchor: String?) throws(ManifestError) {
        if let anchor { anchors[anchor] = (node, nodes) }
        if stack.isEmpty {
            root = (node, nodes)
        } else {
            stack[stack.count - 1].children.append(node)
            stack[stack.count - 1].expandedCount += nodes
        }
    }

    private func span(_ event: yaml_event_t) -> SourceSpan {
        SourceSpan(start: positions.mark(event.start_mark), end: positions.mark(event.end_mark))
    }

    /// Pairs keys with values, applies YAML 1.1 merge keys (`<<: *base`) as go-yaml does, and rejects
    /// duplicate keys as `kubectl` does.
    private static func mapping(
        _ children: [Node], style: CollectionStyle, span: SourceSpan
    ) throws(ManifestError)
        -> Mapping
    {
        var entries: [Mapping.Entry] = []
        entries.reserveCapacity(children.count / 2)
        var merged: [Mapping.Entry] = []
        var index = 0
        while index + 1 < children.count {
            let key = children[index]
            let value = children[index + 1]
            index += 2
            if let scalar = key.scalar, scalar.style == .plain, scalar.value == "<<" {
                merged.append(contentsOf: try mergeEntries(value))
                continue
            }
            entries.append(Mapping.Entry(key: key, value: value))
        }
        try checkDuplicates(entries)
        if !merged.isEmpty {
            var present = Set(entries.compactMap { $0.key.scalar?.value })
            for entry in merged {
                guard let name = entry.key.scalar?.value else { continue }
                if present.insert(name).inserted { entries.append(entry) }
            }
        }
        return Mapping(entries: entries, style: style, span: span)
    }

    private static func mergeEntries(_ value: Node) throws(ManifestError) -> [Mapping.Entry] {
        switch value {
        case .mapping(let mapping):
            return mapping.entries
        case .sequence(let sequence):
            var result: [Mapping.Entry] = []
            for item in sequence.items {
                guard let mapping = item.mapping else {
                    throw ManifestError(kind: .wrongType, at: item.span.start, "a merge key (<<) takes maps only")
                }
                result.append(contentsOf: mapping.entries)
            }
            return result
        case .scalar:
            throw ManifestError(
                kind: .wrongType, at: value.span.start, "a merge key (<<) takes a map or a list of maps")
        }
    }

    private static func checkDuplicates(_ entries: [Mapping.Entry]) throws(ManifestError) {
        guard entries.count > 1 else { return }
        var seen: [String: Mark] = [:]
        for entry in entries {
            guard let scalar = entry.key.scalar else { continue }
            if let first = seen[scalar.value] {
                throw ManifestError(
                    kind: .duplicateKey, at: scalar.span.start,
                    "duplicate key \"\(scalar.value)\" (first defined at line \(first.line))")
            }
            seen[scalar.value] = scalar.span.start
        }
    }

    private static func style(_ style: yaml_scalar_style_t) -> ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, count: Int) -> String? {
        guard let pointer else { return nil }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
