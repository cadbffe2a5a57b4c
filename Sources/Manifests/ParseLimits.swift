/// Bounds that keep hostile documents from exhausting memory, time or the stack.
public struct ParseLimits: Sendable, Hashable {
    /// Nodes a document may expand to through aliases ("billion laughs" documents hit this at once).
    public var maxExpandedNodes: Int
    /// Nesting of collections; manifests rarely pass 20.
    public var maxDepth: Int

    public init(maxExpandedNodes: Int = 1_000_000, maxDepth: Int = 256) {
        self.maxExpandedNodes = maxExpandedNodes
        self.maxDepth = maxDepth
    }

    public static let standard = ParseLimits()
}
