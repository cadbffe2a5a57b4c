import Foundation
import Manifests

/// A list answer in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`): the
/// magic `k8s\0`, then a `runtime.Unknown` whose `raw` is the list. Opening it reads the envelope
/// and the list's metadata and only notes where each item lies, so that the next page can be asked
/// for before any item is read; `page` then reads them (`ProtobufObjectReader`) on every core into
/// the same model the JSON reader gives, leaving out after its metadata an item `leavesOut` refuses.
/// The answer's bytes are not copied: `page` is handed the same bytes again.
struct ProtobufListPage {
    typealias Failure = ProtobufWireReader.Failure

    static let mediaType = "application/vnd.kubernetes.protobuf"
    /// Read once: Foundation reads the cgroup files on every call, and a read decodes hundreds of pages.
    private static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// What `Accept` asks for: protobuf, and JSON from a server (or proxy) that has no protobuf.
    static let accept = "\(mediaType), application/json"

    let resource: APIResource
    private var meta = ProtobufListMeta()
    var continueToken: String? { meta.continueToken }
    /// Where each item's bytes lie in the answer.
    private(set) var items: [Range<Int>] = []

    /// Whether a `Content-Type` names this encoding.
    static func isProtobuf(contentType: String?) -> Bool {
        guard let contentType else { return false }
        return contentType.lowercased().hasPrefix(mediaType)
    }

    init(_ bytes: UnsafeRawBufferPointer, resource: APIResource) throws(Failure) {
        self.resource = resource
        let envelope = try ProtobufEnvelope(bytes)
        guard envelope.contentEncoding.isEmpty else {
            throw Failure("its content encoding \"\(envelope.contentEncoding.prefix(40))\" is not supported")
        }
        guard envelope.kind == resource.listKind || envelope.kind == "List" else {
            throw Failure("expected kind \(resource.listKind), found \"\(envelope.kind.prefix(60))\"")
        }
        var list = ProtobufWireReader(bytes, range: envelope.raw)
        do throws(Failure) {
            while let field = try list.field() {
                switch field.number {
                case 1:
                    var nested = try list.message(field)
                    try meta.merge(&nested)
                case 2: items.append(try list.bytes(field))
                default: try list.skip(field.type)
                }
            }
        } catch {
            throw Failure("the \(resource.listKind) does not decode: \(error.message)")
        }
    }

    /// The items as records; an item that does not decode, or lacks a field the model needs, is
    /// named in `problems` and left out, as the JSON reader does. The items are length-delimited,
    /// so they are read on every core without a first pass; records keep the list's order. `bytes`
    /// are the answer this page was opened from.
    /// `readsThin`, `digestsThin`, `decides`: see `ProtobufObjectReader`.
    func page(
        in bytes: UnsafeRawBufferPointer, leavesOut: (@Sendable (KubeObject) -> Bool)? = nil,
        readsThin: (@Sendable (ObjectMeta) -> Bool)? = nil, digestsThin: Bool = false,
        thinsOnBytes: (@Sendable (ProtobufObjectReader.ItemIdentity) -> ProtobufObjectReader.ThinDecision)? = nil,
        decides: (@Sendable ([ProtobufObjectReader.ItemIdentity]) -> [Bool])? = nil
    ) -> ListPage {
        var page = ListPage()
        page.continueToken = meta.continueToken
        page.resourceVersion = meta.resourceVersion
        page.remainingItemCount = meta.remainingItemCount
        page.itemCount = items.count
        let items = items
        let answer = SharedBytes(bytes)
        // An item the chunk's decision keeps (or could not read the identity of) is decided again,
        // alone, as it is read: the answer may have changed since, and both are right.
        var single: (@Sendable (ProtobufObjectReader.ItemIdentity) -> Bool)?
        if let decides { single = { item in decides([item])[0] } }
        let reader = ProtobufObjectReader(
            leavesOut: leavesOut, readsThin: readsThin, digestsThin: digestsThin, thinsOnBytes: thinsOnBytes,
            decides: single)
        let resource = resource
        let chunks = min(Self.cores, max(1, items.count / 64))
        let decoded = Concurrently.map(chunks) {
            chunk -> (
                records: [ObjectRecord], digestOnly: [(before: Int, service: ProtobufObjectReader.DigestOnly)],
                problems: [String]
            ) in
            var records: [ObjectRecord] = []
            var digestOnly: [(before: Int, service: ProtobufObjectReader.DigestOnly)] = []
            var problems: [String] = []
            let range = (items.count * chunk / chunks)..<(items.count * (chunk + 1) / chunks)
            records.reserveCapacity(range.count)
            var leftOut: [Bool] = []
            if let decides, resource.kind != .service {
                var identities: [ProtobufObjectReader.ItemIdentity] = []
                var positions: [Int] = []
                identities.reserveCapacity(range.count)
                positions.reserveCapacity(range.count)
                for index in range {
                    guard
                        let identity = ProtobufObjectReader.identity(
                            ofItem: ProtobufWireReader(answer.bytes, range: items[index]), kind: resource.kind)
                    else { continue }
                    identities.append(identity)
                    positions.append(index - range.lowerBound)
                }
                leftOut = [Bool](repeating: false, count: range.count)
                for (position, answer) in zip(positions, decides(identities)) { leftOut[position] = answer }
            }
            for index in range {
                if !leftOut.isEmpty && leftOut[index - range.lowerBound] { continue }
                do throws(Failure) {
                    switch try reader.item(ProtobufWireReader(answer.bytes, range: items[index]), kind: resource.kind) {
                    case .object(let object): records.append(ObjectRecord(live: object))
                    case .digestOnly(let service): digestOnly.append((records.count, service))
                    case .leftOut: break
                    }
                } catch {
                    problems.append("\(describe(items[index], in: answer.bytes, index: index)): \(error.message)")
                }
            }
            return (records: records, digestOnly: digestOnly, problems: problems)
        }
        page.records = decoded.count == 1 ? decoded[0].records : decoded.flatMap(\.records)
        // Each chunk counted the records before its own: the earlier chunks' come first.
        var before = 0
        for chunk in decoded {
            page.digestOnly += chunk.digestOnly.map { (before + $0.before, $0.service) }
            before += chunk.records.count
        }
        page.problems = decoded.flatMap(\.problems)
        return page
    }

    /// The Service of the last item that names one (`ProtobufObjectReader.serviceKey`): in a list
    /// in storage order, the last Service this page needs decided. Nil when no item names one.
    func lastServiceKey(in bytes: UnsafeRawBufferPointer) -> ServiceKey? {
        for item in items.reversed() {
            if let key = ProtobufObjectReader.serviceKey(ProtobufWireReader(bytes, range: item), kind: resource.kind) {
                return key
            }
        }
        return nil
    }

    /// `Endpoints/shop/orders-db`, or the item's position when its metadata does not say its name.
    private func describe(_ item: Range<Int>, in bytes: UnsafeRawBufferPointer, index: Int) -> String {
        var name = ""
        var namespace = ""
        // As far as it reads: a fault after the name does not hide it.
        try? Self.identity(ProtobufWireReader(bytes, range: item), name: &name, namespace: &namespace)
        return
            "\(resource.kind.rawValue)/\(namespace.isEmpty ? "?" : namespace)/\(name.isEmpty ? "item \(index)" : name)"
    }

    private static func identity(
        _ item: ProtobufWireReader, name: inout String, namespace: inout String
    ) throws(Failure) {
        var wire = item
        while let field = try wire.field() {
            guard field.number == 1 else {
                try wire.skip(field.type)
                continue
            }
            var meta = try wire.message(field)
            while let field = try meta.field() {
                switch field.number {
                case 1: name = try meta.string(field)
                case 3: namespace = try meta.string(field)
                default: try meta.skip(field.type)
                }
            }
            return
        }
    }

    /// The answer's bytes, read by every core at once while the caller holds them.
    private struct SharedBytes: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
    }
}
