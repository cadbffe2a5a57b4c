/// How every answer in Kubernetes' protobuf encoding is framed (a list, a `Status`): the magic
/// `k8s\0`, then a `runtime.Unknown` (k8s.io/apimachinery runtime) naming the kind and holding the
/// object's own bytes in `raw`.
struct ProtobufEnvelope {
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// `typeMeta.kind`.
    var kind = ""
    /// Where the object itself lies in the answer.
    var raw = 0..<0
    var contentEncoding = ""

    init(_ bytes: UnsafeRawBufferPointer) throws(ProtobufWireReader.Failure) {
        guard bytes.count >= 4, bytes.prefix(4).elementsEqual(Self.magic) else {
            throw ProtobufWireReader.Failure("it does not start with Kubernetes' protobuf magic \"k8s\\0\"")
        }
        raw = 4..<4
        var wire = ProtobufWireReader(bytes, range: 4..<bytes.count)
        do throws(ProtobufWireReader.Failure) {
            while let field = try wire.field() {
                switch field.number {
                case 1:
                    var typeMeta = try wire.message(field)
                    while let field = try typeMeta.field() {
                        if field.number == 2 {
                            kind = try typeMeta.string(field)
                        } else {
                            try typeMeta.skip(field.type)
                        }
                    }
                case 2: raw = try wire.bytes(field)
                case 3: contentEncoding = try wire.string(field)
                default: try wire.skip(field.type)
                }
            }
        } catch {
            throw ProtobufWireReader.Failure("the envelope (runtime.Unknown) does not decode: \(error.message)")
        }
    }
}
