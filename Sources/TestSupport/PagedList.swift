import Foundation
import Manifests

/// A list the fake API server serves in pages, as the API server does: `limit` items per answer,
/// a continue token and `remainingItemCount` while more remain. Items are compact JSON without
/// `kind`/`apiVersion`, as in real list answers; they are stored once and shared by every page.
public struct PagedList: Sendable {
    public let kind: String
    public let apiVersion: String
    public let items: [[UInt8]]
    public let resourceVersion: String

    /// The same items in protobuf (`withProtobuf()`): a client that asks for protobuf gets them.
    public private(set) var protobufItems: [[UInt8]]?

    public init(kind: String, apiVersion: String, items: [[UInt8]], resourceVersion: String = "200000") {
        self.kind = kind
        self.apiVersion = apiVersion
        self.items = items
        self.resourceVersion = resourceVersion
    }

    /// This list also served in protobuf, as the API server does for a client whose `Accept`
    /// names `application/vnd.kubernetes.protobuf`.
    /// `concurrently`: converted on every core (the benchmark's lists of 100,000s of items).
    public func withProtobuf(concurrently: Bool = false) throws -> PagedList {
        let itemKind = String(kind.dropLast(4))
        guard concurrently else {
            return with(protobufItems: try items.map { try ProtobufFixture.item($0, kind: itemKind) })
        }
        let items = items
        let converted = Concurrently.map(64) { chunk in
            (items.count * chunk / 64..<items.count * (chunk + 1) / 64).map { index in
                Result { try ProtobufFixture.item(items[index], kind: itemKind) }
            }
        }
        return with(protobufItems: try converted.joined().map { try $0.get() })
    }

    /// This list with `protobufItems` as its protobuf form (the same items, in order).
    public func with(protobufItems: [[UInt8]]) -> PagedList {
        var list = self
        list.protobufItems = protobufItems
        return list
    }

    /// Items `offset..<offset+limit` in protobuf; nil when the list has no protobuf form.
    public func protobufPage(offset: Int, limit: Int) -> [UInt8]? {
        guard let protobufItems else { return nil }
        let (start, end) = bounds(offset: offset, limit: limit)
        var raw = ProtobufWire()
        raw.field(
            1,
            ProtobufWire.listMeta(
                resourceVersion: resourceVersion, continue: end < items.count ? SyntheticSlices.token(for: end) : nil,
                remaining: end < items.count ? items.count - end : nil))
        for index in start..<end { raw.field(2, protobufItems[index]) }
        return ProtobufWire.envelope(apiVersion: apiVersion, kind: kind, raw: raw.bytes)
    }

    /// Where a page of `limit` items from `offset` starts and ends (to the end when `limit` is 0).
    private func bounds(offset: Int, limit: Int) -> (start: Int, end: Int) {
        let start = min(max(0, offset), items.count)
        return (start, limit > 0 ? min(items.count, start + limit) : items.count)
    }

    /// Items `offset..<offset+limit` (all from `offset` when `limit` is 0).
    public func page(offset: Int, limit: Int) -> [UInt8] {
        let (start, end) = bounds(offset: offset, limit: limit)
        var body = Array(
            "{\"kind\":\"\(kind)\",\"apiVersion\":\"\(apiVersion)\",\"metadata\":{\"resourceVersion\":\"\(resourceVersion)\""
                .utf8)
        if end < items.count {
            body += Array(
                ",\"continue\":\"\(SyntheticSlices.token(for: end))\",\"remainingItemCount\":\(items.count - end)".utf8)
        }
        body += Array("},\"items\":[".utf8)
        body.reserveCapacity(body.count + items[start..<end].reduce(0) { $0 + $1.count + 1 } + 2)
        for index in start..<end {
            if index > start { body.append(UInt8(ascii: ",")) }
            body += items[index]
        }
        body += Array("]}".utf8)
        return body
    }

    /// Answers list requests with pages of this list, honouring `limit` and `continue`.
    /// In protobuf when the list has that form and the client asks for it.
    public var response: FakeResponse {
        Self.response { offset, limit, request in
            if Self.asksForProtobuf(request), let page = protobufPage(offset: offset, limit: limit) {
                return (ProtobufFixture.mediaType, page)
            }
            return ("application/json", page(offset: offset, limit: limit))
        }
    }

    /// Whether `Accept` names protobuf (the API server honours the first type it serves).
    public static func asksForProtobuf(_ request: FakeRequest) -> Bool {
        request.header("Accept")?.lowercased().contains(ProtobufFixture.mediaType) == true
    }

    /// Answers list requests with `page(offset, limit)`: `limit` from the query (0 when absent), the
    /// offset from the `continue` token (a 400 for a token this server did not give out).
    static func response(_ page: @escaping @Sendable (_ offset: Int, _ limit: Int) -> [UInt8]) -> FakeResponse {
        response { offset, limit, _ in ("application/json", page(offset, limit)) }
    }

    /// Answers list requests with `page(offset, limit, request)`: its media type and body.
    static func response(
        _ page: @escaping @Sendable (_ offset: Int, _ limit: Int, _ request: FakeRequest) -> (String, [UInt8])
    ) -> FakeResponse {
        .dynamic { request in
            let limit = request.parameter("limit").flatMap(Int.init) ?? 0
            var offset = 0
            if let token = request.parameter("continue") {
                guard let parsed = SyntheticSlices.offset(of: token) else {
                    return .status(400, reason: "BadRequest", message: "invalid continue token")
                }
                offset = parsed
            }
            let (type, body) = page(offset, limit, request)
            return .custom(status: 200, headers: [("content-type", type)], body: body)
        }
    }
}
