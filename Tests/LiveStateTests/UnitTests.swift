import Foundation
import Testing

@testable import LiveState

@Suite("Small parts of the live client")
struct UnitTests {
    @Test("--request-timeout takes kubectl's durations")
    func durations() {
        #expect(GoDuration.parse("30s") == 30)
        #expect(GoDuration.parse("1m") == 60)
        #expect(GoDuration.parse("1m30s") == 90)
        #expect(GoDuration.parse("500ms") == 0.5)
        #expect(GoDuration.parse("2h") == 7200)
        #expect(GoDuration.parse("0") == 0)
        #expect(GoDuration.parse("45") == 45)
        #expect(GoDuration.parse("1.5s") == 1.5)
        #expect(GoDuration.parse("") == nil)
        #expect(GoDuration.parse("ten") == nil)
        #expect(GoDuration.parse("10x") == nil)
        #expect(GoDuration.parse("-5s") == nil)
    }

    @Test("backoff grows, is jittered, honours Retry-After and stops at the bounds")
    func retryPolicy() {
        let policy = RetryPolicy(maximumAttempts: 5, initialDelay: 1, maximumDelay: 4, totalBudget: 20)
        #expect(policy.delay(afterAttempt: 1, elapsed: 0, retryAfter: nil, random: 0) == 0.5)
        #expect(policy.delay(afterAttempt: 1, elapsed: 0, retryAfter: nil, random: 0.999)! < 1)
        #expect(policy.delay(afterAttempt: 2, elapsed: 0, retryAfter: nil, random: 1) == 2)
        #expect(policy.delay(afterAttempt: 4, elapsed: 0, retryAfter: nil, random: 1) == 4)
        #expect(policy.delay(afterAttempt: 3, elapsed: 0, retryAfter: 7, random: 0) == 7)
        #expect(policy.delay(afterAttempt: 5, elapsed: 0, retryAfter: nil) == nil)
        #expect(policy.delay(afterAttempt: 1, elapsed: 19.9, retryAfter: nil, random: 1) == nil)
        #expect(policy.delay(afterAttempt: 1, elapsed: 0, retryAfter: 30) == nil)
    }

    @Test("query values and path parts are percent-encoded as RFC 3986 says, byte by byte")
    func percentEncoding() {
        #expect(HTTPTransport.percentEncode("AZaz09-._~") == "AZaz09-._~")
        #expect(HTTPTransport.percentEncode("a b/c?d=e&f+g%") == "a%20b%2Fc%3Fd%3De%26f%2Bg%25")
        #expect(HTTPTransport.percentEncode("eyJ2Ijoi==") == "eyJ2Ijoi%3D%3D")
        #expect(HTTPTransport.percentEncode("é") == "%C3%A9")
        #expect(HTTPTransport.percentEncode("") == "")
    }

    @Test("server URLs: default ports, IPv6, path prefixes")
    func serverEndpoints() {
        #expect(
            ServerEndpoint(parsing: "https://10.0.0.1") == ServerEndpoint(scheme: "https", host: "10.0.0.1", port: 443))
        #expect(ServerEndpoint(parsing: "api.example:6443")?.description == "https://api.example:6443")
        let v6 = ServerEndpoint(parsing: "https://[2001:db8::1]:6443")
        #expect(v6?.host == "2001:db8::1")
        #expect(v6?.description == "https://[2001:db8::1]:6443")
        #expect(
            ServerEndpoint(parsing: "https://rancher.example/k8s/clusters/c-1/")?.basePath == "/k8s/clusters/c-1")
        #expect(ServerEndpoint(parsing: "ftp://x") == nil)
        #expect(
            APIResource.endpointSlices.listPath(namespace: "shop")
                == "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices")
        #expect(APIResource.endpoints.listPath(namespace: nil) == "/api/v1/endpoints")
    }

    @Test("proxy URLs and NO_PROXY")
    func proxies() throws {
        #expect(
            try ProxySettings.parse("http://proxy:3128").get()
                == ProxySettings(kind: .httpConnect, host: "proxy", port: 3128))
        #expect(throws: ProxyURLError.self) { try ProxySettings.parse("https://proxy:3128").get() }
        #expect(throws: ProxyURLError.self) { try ProxySettings.parse("socks5://u:p@proxy").get() }
        let server = ServerEndpoint(scheme: "https", host: "10.1.2.3", port: 6443)
        let variables = ["HTTPS_PROXY": "http://proxy:3128"]
        #expect(try ProxySettings.fromEnvironment(variables, server: server)?.get().host == "proxy")
        for noProxy in ["10.0.0.0/8", "*", "10.1.2.3", "10.1.2.3:6443", "other, 10.1.2.3"] {
            var withNoProxy = variables
            withNoProxy["NO_PROXY"] = noProxy
            #expect(ProxySettings.fromEnvironment(withNoProxy, server: server) == nil, "\(noProxy)")
        }
        #expect(
            ProxySettings.fromEnvironment(
                variables, server: ServerEndpoint(scheme: "https", host: "127.0.0.1", port: 1))
                == nil)
    }

    @Test("secrets print as <redacted> wherever they end up")
    func redaction() throws {
        let secret = Secret("super-secret-token")
        var user = KubeconfigUser(name: "admin")
        user.token = secret
        user.password = Secret("hunter2")
        user.clientKeyData = Secret("-----BEGIN EC PRIVATE KEY-----")
        let connection = ClusterConnection(
            server: ServerEndpoint(scheme: "https", host: "x", port: 443), credentials: .token(secret),
            description: "x", identityDescription: "y")
        var dumped = ""
        dump(user, to: &dumped)
        dump(connection, to: &dumped)
        let printed = "\(user) \(connection) \(String(reflecting: user)) \(String(describing: [secret])) " + dumped
        #expect(printed.contains("<redacted>"))
        for leaked in ["super-secret-token", "hunter2", "PRIVATE KEY"] { #expect(!printed.contains(leaked)) }
        #expect(secret.revealText() == "super-secret-token")
    }
}

@Suite("Warning header texts")
struct WarningHeaderTests {
    @Test("one warning, several comma-joined, commas and escapes inside, dates after")
    func texts() {
        #expect(
            WarningLog.texts(
                of: #"299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice""#)
                == ["v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"])
        #expect(WarningLog.texts(of: #"299 - "a, b", 299 - "c \"quoted\"""#) == ["a, b", "c \"quoted\""])
        #expect(
            WarningLog.texts(of: #"299 kube-apiserver "first" "Sat, 21 Nov 2026 12:00:00 GMT", 299 - "second""#)
                == ["first", "second"])
        #expect(WarningLog.texts(of: "plain text") == ["plain text"])
        #expect(WarningLog.texts(of: "") == [])
    }
}
