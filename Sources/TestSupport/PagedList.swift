/// A list the fake API server serves in pages, as the API server does: `limit` items per answer,
/// a continue token and `remainingItemCount` while more remain. Items are compact JSON without
/// `kind`/`apiVersion`, as in real list answers; they are stored once and shared by every page.
public struct PagedList: Sendable {
    public let kind: String
    public let apiVersion: String
    public let items: [[UInt8]]
    public let resourceVersion: String

    public init(kind: String, apiVersion: String, items: [[UInt8]], resourceVersion: String = "200000") {
        self.kind = kind
        self.apiVersion = apiVersion
        self.items = items
        self.resourceVersion = resourceVersion
    }

    /// Items `offset..<offset+limit` (all from `offset` when `limit` is 0).
    public func page(offset: Int, limit: Int) -> [UInt8] {
        let start = min(max(0, offset), items.count)
        let end = limit > 0 ? min(items.count, start + limit) : items.count
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
    public var response: FakeResponse { Self.response { page(offset: $0, limit: $1) } }

    /// Answers list requests with `page(offset, limit)`: `limit` from the query (0 when absent), the
    /// offset from the `continue` token (a 400 for a token this server did not give out).
    static func response(_ page: @escaping @Sendable (_ offset: Int, _ limit: Int) -> [UInt8]) -> FakeResponse {
        .dynamic { request in
            let limit = request.parameter("limit").flatMap(Int.init) ?? 0
            var offset = 0
            if let token = request.parameter("continue") {
                guard let parsed = SyntheticSlices.offset(of: token) else {
                    return .status(400, reason: "BadRequest", message: "invalid continue token")
                }
                offset = parsed
            }
            return .custom(
                status: 200, headers: [("content-type", "application/json")], body: page(offset, limit))
        }
    }
}
