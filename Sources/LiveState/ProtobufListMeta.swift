/// A list's metadata in Kubernetes' protobuf encoding (k8s.io/apimachinery meta/v1 `ListMeta`),
/// as a list answer and a `Status` (an expired continue token's 410 carries a fresh one) hold it.
struct ProtobufListMeta {
    var resourceVersion: String?
    /// nil when absent or empty: the list has no more pages.
    var continueToken: String?
    var remainingItemCount: Int?

    init() {}

    /// Reads one `ListMeta` message into this one: a field written again keeps its last value, as
    /// protobuf merges a message written twice.
    mutating func merge(_ wire: inout ProtobufWireReader) throws(ProtobufWireReader.Failure) {
        while let field = try wire.field() {
            switch field.number {
            case 2: resourceVersion = try wire.string(field)
            case 3: continueToken = try wire.string(field)
            case 4: remainingItemCount = Int(try wire.int64(field))
            default: try wire.skip(field.type)
            }
        }
        if continueToken?.isEmpty == true { continueToken = nil }
    }
}
