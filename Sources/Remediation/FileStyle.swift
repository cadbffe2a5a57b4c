import Manifests

/// How a file is written, as far as new text must match it: JSON or YAML, line ending, indentation
/// step, whether block lists are indented under their key, and how addresses are quoted.
struct FileStyle: Sendable, Hashable {
    var json: Bool
    var eol: [UInt8]
    /// Columns one nesting level adds (YAML mappings; JSON objects and arrays).
    var indentStep: Int
    /// Columns between a key and the dashes of its block list: 0 for `key:\n- a`, 2 for `key:\n  - a`.
    var sequenceIndent: Int
    /// How address strings are quoted (YAML).
    var stringStyle: ScalarStyle
    /// JSON written over several lines (`kubectl -o json`) rather than on one.
    var jsonMultiline: Bool

    static func yamlDefault(eol: [UInt8]) -> FileStyle {
        FileStyle(
            json: false, eol: eol, indentStep: 2, sequenceIndent: 2, stringStyle: .plain, jsonMultiline: false)
    }

    /// Learns the style from an object's tree (the object being edited, or the first one in the file).
    static func detect(root: Node, in text: SourceText, json: Bool) -> FileStyle {
        var style = yamlDefault(eol: text.eol)
        style.json = json
        if json {
            style.stringStyle = .doubleQuoted
            if let mapping = root.mapping, let first = mapping.entries.first {
                let open = mapping.span.start.offset
                if text.line(first.key.span.start.offset) > text.line(open) {
                    style.jsonMultiline = true
                    let step = text.column(first.key.span.start.offset) - text.indentation(ofLineAt: open)
                    if step > 0 { style.indentStep = step }
                }
            }
            return style
        }
        var stepFound = false
        var sequenceFound = false
        var quoteFound = false
        func visit(_ node: Node, key: String?) {
            switch node {
            case .mapping(let mapping):
                for entry in mapping.entries {
                    let name = entry.key.scalar?.value
                    if mapping.style == .block, text.isFirstOnLine(entry.key.span.start.offset) {
                        let keyColumn = text.column(entry.key.span.start.offset)
                        if !stepFound, let child = entry.value.mapping, child.style == .block,
                            let firstChild = child.entries.first
                        {
                            let step = text.column(firstChild.key.span.start.offset) - keyColumn
                            if step > 0 {
                                style.indentStep = step
                                stepFound = true
                            }
                        }
                        if !sequenceFound, let child = entry.value.sequence, child.style == .block,
                            let firstItem = child.items.first,
                            let dash = GeometryHelpers.dashOffset(before: firstItem.span.start.offset, in: text)
                        {
                            let indent = text.column(dash) - keyColumn
                            if indent >= 0 {
                                style.sequenceIndent = indent
                                sequenceFound = true
                            }
                        }
                    }
                    visit(entry.value, key: name)
                }
            case .sequence(let sequence):
                for item in sequence.items { visit(item, key: key) }
            case .scalar(let scalar):
                if !quoteFound, key == "ip" || key == "addresses", IPAddress(scalar.value) != nil {
                    style.stringStyle = scalar.style == .literal || scalar.style == .folded ? .plain : scalar.style
                    quoteFound = true
                }
            }
        }
        visit(root, key: nil)
        return style
    }
}
