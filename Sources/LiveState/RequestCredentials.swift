/// What one request sends: an `Authorization` header value and/or a client certificate.
struct RequestCredentials: Sendable {
    var authorization: Secret?
    var identity: ClientIdentity?
    /// Which exec plugin answer these are (`CredentialStore.invalidate(after:)`).
    var generation = 0
}
