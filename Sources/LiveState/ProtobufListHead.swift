/// What the first bytes of a list answer in Kubernetes' protobuf encoding say of the next page:
/// the list's metadata, continue token included, comes before its items, so the next page can be
/// asked for while the items are still on the wire (`PageRequest`).
enum ProtobufListHead: Equatable {
    /// The list's metadata is not all there yet.
    case needMore
    /// The continue token (nil: this is the last page).
    case token(String?)
    /// Not a protobuf list whose metadata comes first: read the whole answer.
    case unknown

    /// The continue token from the first bytes of a protobuf list answer, before its items have
    /// come: the envelope's fields up to `raw`, and in it the list's metadata, written first.
    static func read(_ prefix: UnsafeRawBufferPointer) -> ProtobufListHead {
        let magic = ProtobufEnvelope.magic
        guard prefix.count >= magic.count else {
            return prefix.elementsEqual(magic.prefix(prefix.count)) ? .needMore : .unknown
        }
        guard prefix.prefix(magic.count).elementsEqual(magic) else { return .unknown }
        var position = magic.count
        // A varint at `position`; nil when the prefix ends inside it.
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while position < prefix.count, shift < 64 {
                let byte = prefix[position]
                position += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }
        // The envelope (runtime.Unknown): every field Kubernetes writes before `raw` is length-delimited.
        while true {
            guard let key = varint() else { return .needMore }
            guard key & 7 == 2, let length = varint() else { return key & 7 == 2 ? .needMore : .unknown }
            if key >> 3 == 2 { break }
            guard length <= UInt64(Int.max - position) else { return .unknown }
            position += Int(length)
            if position >= prefix.count { return .needMore }
        }
        // The list: its metadata is field 1, written before the items.
        guard let key = varint() else { return .needMore }
        guard key == (1 << 3 | 2) else { return .unknown }
        guard let length = varint() else { return .needMore }
        guard length <= UInt64(prefix.count - position) else { return .needMore }
        var meta = ProtobufListMeta()
        var wire = ProtobufWireReader(prefix, range: position..<(position + Int(length)))
        do throws(ProtobufWireReader.Failure) {
            try meta.merge(&wire)
        } catch {
            return .unknown
        }
        return .token(meta.continueToken)
    }
}
