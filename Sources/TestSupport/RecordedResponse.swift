import Foundation

/// One response recorded from a real kube-apiserver (`fixtures/k8s-api/NAME.headers.txt` and
/// `NAME.body.json`), and the index of which request produced which.
public struct RecordedResponse: Sendable {
    public var name: String
    public var status: Int
    /// As recorded (lower-case names), in order.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(name: String, status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.name = name
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Loads `NAME` from `fixtures/k8s-api`.
    public static func load(_ name: String) throws -> RecordedResponse {
        let folder = Fixtures.kubernetesAPI
        let headerText = try String(
            contentsOf: folder.appendingPathComponent("\(name).headers.txt"), encoding: .utf8)
        let body = try Data(contentsOf: folder.appendingPathComponent("\(name).body.json"))
        var lines = headerText.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard !lines.isEmpty else { throw FixtureError(message: "\(name).headers.txt is empty") }
        // "HTTP/2 200"
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw FixtureError(message: "\(name).headers.txt has no status line")
        }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (
                String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            )
        }
        return RecordedResponse(name: name, status: status, headers: headers, body: Array(body))
    }

    /// One line of `INDEX.tsv`: the recording's name, the credentials used, the status, the request.
    public struct IndexEntry: Sendable {
        public var name: String
        public var credentials: String
        public var status: Int
        public var path: String
        public var query: String?
    }

    public static func index() throws -> [IndexEntry] {
        let text = try String(
            contentsOf: Fixtures.kubernetesAPI.appendingPathComponent("INDEX.tsv"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count == 4, let status = Int(fields[2]) else { return nil }
            let target = fields[3]
            if let question = target.firstIndex(of: "?") {
                return IndexEntry(
                    name: fields[0], credentials: fields[1], status: status, path: String(target[..<question]),
                    query: String(target[target.index(after: question)...]))
            }
            return IndexEntry(name: fields[0], credentials: fields[1], status: status, path: target, query: nil)
        }
    }
}

/// A fixture file is missing or malformed.
public struct FixtureError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
