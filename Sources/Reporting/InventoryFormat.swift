/// Output formats of `scan` and `live`; the raw values are the `-o` spellings.
public enum InventoryFormat: String, Sendable, CaseIterable {
    case text
    case json
    case yaml

    public func render(_ document: InventoryDocument, color: Bool = false) -> String {
        switch self {
        case .text: InventoryTextRenderer(color: color).render(document)
        case .json: JSONWriter.write(InventoryJSON.value(document))
        case .yaml: YAMLWriter.write(InventoryJSON.value(document))
        }
    }
}
