import Foundation
import KubeProtobuf
import Manifests
import SwiftProtobuf

/// A list answer in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`): the
/// magic `k8s\0`, then a `runtime.Unknown` whose `raw` is the list. Opening it reads the envelope
/// and the list's metadata and leaves the items encoded, so that the next page can be asked for
/// before any item is decoded; `page` then decodes them one by one into the same model the JSON
/// reader gives (`LiveObjectReader`), leaving out after its metadata an item `leavesOut` refuses.
///
/// Where the JSON answer omits an empty field, the protobuf one carries an empty value: an empty
/// string here stands for an absent field there (`namespace`, `uid`, `hostname`, `type`…), and a
/// zero `creationTimestamp` for `null`. An empty list and a missing one are the same in protobuf
/// (an EndpointSlice's `ports` reads as absent); the API server keeps objects in this encoding,
/// so its JSON answers cannot tell them apart either.
struct ProtobufListPage {
    static let mediaType = "application/vnd.kubernetes.protobuf"
    /// What `Accept` asks for: protobuf, and JSON from a server (or proxy) that has no protobuf.
    static let accept = "\(mediaType), application/json"
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// Fields this package's schemas leave out are skipped, not kept.
    static let options: BinaryDecodingOptions = {
        var options = BinaryDecodingOptions()
        options.discardUnknownFields = true
        return options
    }()

    let resource: APIResource
    private let list: PBItemList

    var continueToken: String? { list.metadata.continue.isEmpty ? nil : list.metadata.continue }

    /// Whether a `Content-Type` names this encoding.
    static func isProtobuf(contentType: String?) -> Bool {
        guard let contentType else { return false }
        return contentType.lowercased().hasPrefix(mediaType)
    }

    init(_ bytes: UnsafeRawBufferPointer, resource: APIResource) throws(Failure) {
        self.resource = resource
        let envelope = try Self.envelope(bytes)
        guard envelope.contentEncoding.isEmpty else {
            throw Failure("its content encoding \"\(envelope.contentEncoding.prefix(40))\" is not supported")
        }
        let kind = envelope.typeMeta.kind
        guard kind == resource.listKind || kind == "List" else {
            throw Failure("expected kind \(resource.listKind), found \"\(kind.prefix(60))\"")
        }
        do {
            list = try PBItemList(serializedBytes: envelope.raw, options: Self.options)
        } catch {
            throw Failure("the \(resource.listKind) does not decode: \(error)")
        }
    }

    /// The `runtime.Unknown` after the magic, as every protobuf answer (a list, a `Status`) is framed.
    static func envelope(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> PBUnknown {
        guard bytes.count >= 4, bytes.prefix(4).elementsEqual(magic) else {
            throw Failure("it does not start with Kubernetes' protobuf magic \"k8s\\0\"")
        }
        do {
            return try PBUnknown(serializedBytes: Data(UnsafeRawBufferPointer(rebasing: bytes[4...])), options: options)
        } catch {
            throw Failure("the envelope (runtime.Unknown) does not decode: \(error)")
        }
    }

    /// The items as records; an item that does not decode, or lacks a field the model needs, is
    /// named in `problems` and left out, as the JSON reader does. The items are length-delimited,
    /// so they are decoded on every core without reading them first; records keep the list's order.
    func page(leavesOut: (@Sendable (KubeObject) -> Bool)? = nil) -> ListPage {
        var page = ListPage()
        page.continueToken = continueToken
        page.resourceVersion = list.metadata.hasResourceVersion ? list.metadata.resourceVersion : nil
        page.remainingItemCount = list.metadata.hasRemainingItemCount ? Int(list.metadata.remainingItemCount) : nil
        page.itemCount = list.items.count
        let items = list.items
        let chunks = min(ProcessInfo.processInfo.activeProcessorCount, max(1, items.count / 64))
        let decoded = Concurrently.map(chunks) { chunk in
            var records: [ObjectRecord] = []
            var problems: [String] = []
            let range = (items.count * chunk / chunks)..<(items.count * (chunk + 1) / chunks)
            records.reserveCapacity(range.count)
            for index in range {
                do throws(Failure) {
                    if let leavesOut, leavesOut(try Self.shell(items[index], kind: resource.kind)) { continue }
                    records.append(ObjectRecord(live: try Self.object(items[index], kind: resource.kind)))
                } catch {
                    problems.append("\(describe(items[index], index: index)): \(error.message)")
                }
            }
            return (records: records, problems: problems)
        }
        page.records = decoded.count == 1 ? decoded[0].records : decoded.flatMap(\.records)
        page.problems = decoded.flatMap(\.problems)
        return page
    }

    // MARK: Items

    /// An object of `kind` holding the item's metadata alone (the rest skipped unread).
    private static func shell(_ item: Data, kind: ObjectKind) throws(Failure) -> KubeObject {
        let meta = try metadata(decode(PBMetadataOnly.self, item).metadata)
        switch kind {
        case .endpoints: return .endpoints(Endpoints(metadata: meta))
        case .endpointSlice: return .endpointSlice(EndpointSlice(metadata: meta, addressType: "", endpoints: []))
        case .service: return .service(Service(metadata: meta))
        }
    }

    static func object(_ item: Data, kind: ObjectKind) throws(Failure) -> KubeObject {
        switch kind {
        case .endpoints: return .endpoints(try endpoints(decode(PBEndpoints.self, item)))
        case .endpointSlice: return .endpointSlice(try endpointSlice(decode(PBEndpointSlice.self, item)))
        case .service: return .service(try service(decode(PBService.self, item)))
        }
    }

    private static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, _ item: Data) throws(Failure) -> M {
        do {
            return try M(serializedBytes: item, options: options)
        } catch {
            throw Failure("the item does not decode: \(error)")
        }
    }

    private static func metadata(_ meta: PBObjectMeta) throws(Failure) -> ObjectMeta {
        guard !meta.name.isEmpty else { throw Failure("metadata.name is required") }
        var result = ObjectMeta(name: meta.name)
        result.namespace = nonEmpty(meta.namespace)
        result.labels = dictionary(meta.labels)
        result.annotations = dictionary(meta.annotations)
        result.resourceVersion = nonEmpty(meta.resourceVersion)
        result.uid = nonEmpty(meta.uid)
        if meta.hasCreationTimestamp, meta.creationTimestamp.seconds != 0 || meta.creationTimestamp.nanos != 0 {
            // As the API server writes it in JSON: RFC 3339 in UTC, whole seconds.
            result.creationTimestamp = RFC3339.format(seconds: meta.creationTimestamp.seconds)
        }
        return result
    }

    private static func service(_ item: PBService) throws(Failure) -> Service {
        var service = Service(metadata: try metadata(item.metadata))
        guard item.hasSpec else { return service }
        let spec = item.spec
        if !spec.type.isEmpty { service.type = spec.type }
        service.externalName = nonEmpty(spec.externalName)
        service.selector = dictionary(spec.selector)
        service.clusterIPs = spec.clusterIps
        if service.clusterIPs.isEmpty, let clusterIP = nonEmpty(spec.clusterIp) { service.clusterIPs = [clusterIP] }
        service.ports = spec.ports.map { port in
            var targetPort: String?
            if port.hasTargetPort {
                targetPort = port.targetPort.type == 1 ? port.targetPort.strVal : String(port.targetPort.intVal)
            }
            return ServicePort(
                name: port.name, port: Int(port.port), protocol: nonEmpty(port.protocol) ?? "TCP",
                targetPort: targetPort, appProtocol: port.hasAppProtocol ? port.appProtocol : nil)
        }
        return service
    }

    private static func endpoints(_ item: PBEndpoints) throws(Failure) -> Endpoints {
        func address(_ address: PBEndpointAddress) -> EndpointAddress {
            EndpointAddress(
                ip: address.ip, hostname: nonEmpty(address.hostname),
                nodeName: address.hasNodeName ? address.nodeName : nil)
        }
        return Endpoints(
            metadata: try metadata(item.metadata),
            subsets: item.subsets.map { subset in
                EndpointSubset(
                    addresses: subset.addresses.map(address), notReadyAddresses: subset.notReadyAddresses.map(address),
                    ports: subset.ports.map { port in
                        EndpointPort(
                            name: port.name, port: Int(port.port), protocol: nonEmpty(port.protocol),
                            appProtocol: port.hasAppProtocol ? port.appProtocol : nil)
                    })
            })
    }

    private static func endpointSlice(_ item: PBEndpointSlice) throws(Failure) -> EndpointSlice {
        let meta = try metadata(item.metadata)
        guard item.hasAddressType else { throw Failure("addressType is required") }
        let endpoints = item.endpoints.map { endpoint in
            var result = SliceEndpoint(addresses: endpoint.addresses)
            let conditions = endpoint.conditions
            result.conditions.ready = conditions.hasReady ? conditions.ready : nil
            result.conditions.serving = conditions.hasServing ? conditions.serving : nil
            result.conditions.terminating = conditions.hasTerminating ? conditions.terminating : nil
            result.hostname = endpoint.hasHostname ? endpoint.hostname : nil
            result.nodeName = endpoint.hasNodeName ? endpoint.nodeName : nil
            result.zone = endpoint.hasZone ? endpoint.zone : nil
            return result
        }
        let ports = item.ports.map { port in
            EndpointPort(
                name: port.name, port: port.hasPort ? Int(port.port) : nil,
                protocol: port.hasProtocol ? port.protocol : nil,
                appProtocol: port.hasAppProtocol ? port.appProtocol : nil)
        }
        return EndpointSlice(
            metadata: meta, addressType: item.addressType, endpoints: endpoints, ports: ports.isEmpty ? nil : ports)
    }

    private static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

    /// A protobuf map's entries as a dictionary; a key written twice keeps its last value, as
    /// protobuf's map decoding does.
    private static func dictionary(_ entries: [PBStringEntry]) -> [String: String] {
        var map: [String: String] = [:]
        map.reserveCapacity(entries.count)
        for entry in entries { map[entry.key] = entry.value }
        return map
    }

    /// `Endpoints/shop/orders-db`, or the item's position when its metadata does not decode.
    private func describe(_ item: Data, index: Int) -> String {
        let meta = try? PBMetadataOnly(serializedBytes: item, options: Self.options).metadata
        let name = meta.map(\.name).flatMap(Self.nonEmpty) ?? "item \(index)"
        return "\(resource.kind.rawValue)/\(meta.map(\.namespace).flatMap(Self.nonEmpty) ?? "?")/\(name)"
    }

    /// Why an answer or an item could not be read.
    struct Failure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
