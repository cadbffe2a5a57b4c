import Foundation

/// What the fake API server does with one request. Faults are responses too, so that a test
/// programs "429, then 500, then the real answer" as a list.
public indirect enum FakeResponse: Sendable {
    /// What the recorded cluster answers for this request (see `FakeKubernetesAPI`).
    case cluster
    /// A recorded response by name (`fixtures/k8s-api/NAME.*`).
    case recorded(String)
    case custom(status: Int, headers: [(String, String)], body: [UInt8])
    /// Answers after a pause (longer than the client's timeout: a timeout).
    case delayed(seconds: Double, FakeResponse)
    /// Answers once the gate is open (see `FakeGate`), then as the inner response says.
    case gated(FakeGate, FakeResponse)
    /// Sends the head (with the full Content-Length) and only this many body bytes, then closes.
    case cutBody(FakeResponse, keepingBytes: Int)
    /// Sends the head and this many body bytes at once, then one more byte every `interval`
    /// seconds (a body that trickles; with a long interval, one that stalls), never closing early.
    case trickle(FakeResponse, keepingBytes: Int, interval: Double)
    /// Sends the head and this many body bytes at once, and the rest once the gate is open (see
    /// `FakeGate`); closes the connection instead when the gate stays shut for its longest wait.
    case holdingRest(FakeResponse, keepingBytes: Int, until: FakeGate)
    /// Closes the connection without answering.
    case closeConnection
    /// The answer with these headers added (`Retry-After`, `Warning`).
    case withHeaders([(String, String)], FakeResponse)
    /// Computed from the request (paged synthetic lists).
    case dynamic(@Sendable (FakeRequest) -> FakeResponse)
    /// A watch answer (200, chunked) whose events the test writes as it goes.
    case watch(WatchFeed)

    /// A Kubernetes `Status` error body.
    public static func status(_ code: Int, reason: String, message: String) -> FakeResponse {
        let body = """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"\(message)","reason":"\(reason)","code":\(code)}
            """
        return .custom(status: code, headers: [("content-type", "application/json")], body: Array(body.utf8))
    }

    /// 429 with `Retry-After`.
    public static func tooManyRequests(retryAfter seconds: Int) -> FakeResponse {
        .withHeaders(
            [("Retry-After", String(seconds))],
            .status(429, reason: "TooManyRequests", message: "Too many requests, please try again later."))
    }

    public static let internalError = FakeResponse.status(
        500, reason: "InternalError", message: "Internal error occurred: etcdserver: request timed out")

    /// A 200 whose body is not JSON.
    public static let invalidJSON = FakeResponse.custom(
        status: 200, headers: [("content-type", "application/json")],
        body: Array("{\"kind\":\"EndpointsList\",\"apiVersion\":\"v1\",\"items\":[{\"metadata\":{\"name\":".utf8))

    /// The deprecation warning Kubernetes 1.33+ sends with every Endpoints answer.
    public static let endpointsDeprecationWarning =
        "299 - \"v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\""
}
