import CLibgit2

/// What the C callbacks of one fetch or push need; passed to them as the payload.
final class RemoteSession {
    let credentials: RemoteCredentials
    var knownHosts: KnownHosts?
    var attempts = 0
    /// Our own reason for failing, clearer than libgit2's "callback returned error".
    var problem: String?
    /// A push: the one remote reference it may update, and the commit that reference must be at on
    /// the remote when the push is sent (`nil`: it must not exist), as `git push --force-with-lease`.
    var lease: (reference: String, expected: ObjectID?)?
    /// A push: why the remote refused the update, when it did.
    var rejection: String?

    init(credentials: RemoteCredentials) { self.credentials = credentials }

    /// The callbacks of a fetch or a push: credentials, the SSH host key check, and for a push the
    /// lease and the remote's answer. `payload` is an unmanaged `RemoteSession`.
    static func callbacks(payload: UnsafeMutableRawPointer) -> git_remote_callbacks {
        var callbacks = git_remote_callbacks()
        git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        callbacks.payload = payload
        callbacks.credentials = { out, _, usernameFromURL, allowed, payload in
            guard let payload, let out else { return GIT_EUSER.rawValue }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            return session.credential(out, usernameFromURL.map { String(cString: $0) }, allowed)
        }
        callbacks.certificate_check = { cert, valid, host, payload in
            guard let payload, let cert else { return GIT_PASSTHROUGH.rawValue }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            return session.checkCertificate(cert, valid: valid != 0, host: host.map { String(cString: $0) } ?? "")
        }
        callbacks.push_negotiation = { updates, count, payload in
            guard let payload else { return GIT_EUSER.rawValue }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            var list: [(reference: String, current: ObjectID?)] = []
            for index in 0..<count {
                guard let update = updates?[index]?.pointee else { continue }
                let current = withUnsafePointer(to: update.src) {
                    git_oid_is_zero($0) != 0 ? nil : ObjectID($0.pointee)
                }
                list.append((update.dst_refname.map { String(cString: $0) } ?? "", current))
            }
            return session.negotiate(list)
        }
        callbacks.push_update_reference = { _, status, payload in
            guard let payload else { return GIT_EUSER.rawValue }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            if let status { session.rejection = String(cString: status) }
            return 0
        }
        return callbacks
    }

    /// Lets the push go only when it updates the leased reference alone, and the remote has it
    /// where it was looked at (a branch someone pushed to since is not overwritten).
    func negotiate(_ updates: [(reference: String, current: ObjectID?)]) -> Int32 {
        guard let lease, updates.count == 1, let update = updates.first, update.reference == lease.reference else {
            problem = "the push would update other references than the one it is for; nothing was pushed"
            return GIT_EUSER.rawValue
        }
        guard update.current == lease.expected else {
            problem =
                "\(lease.reference) changed on the remote since it was looked at (now \(update.current?.short ?? "deleted")); nothing was pushed"
            return GIT_EUSER.rawValue
        }
        return 0
    }

    func credential(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, _ usernameFromURL: String?,
        _ allowed: UInt32
    ) -> Int32 {
        attempts += 1
        // libgit2 asks again after a refusal; a second ask means the credentials were wrong.
        guard attempts == 1 else {
            problem = "authentication failed: the remote refused the credentials"
            return GIT_EAUTH.rawValue
        }
        switch credentials.method {
        case .none:
            problem = "authentication required: pass --git-token-file (HTTPS) or --git-ssh-key-file (SSH)"
            return GIT_EAUTH.rawValue
        case .token(let username, let token):
            guard allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 else {
                problem = "the remote does not take a token (an SSH URL wants --git-ssh-key-file)"
                return GIT_EAUTH.rawValue
            }
            return git_credential_userpass_plaintext_new(out, usernameFromURL ?? username, token)
        case .sshKey(let username, let privateKey, let publicKey, let passphrase, _):
            guard allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 else {
                problem = "the remote does not take an SSH key (an HTTPS URL wants --git-token-file)"
                return GIT_EAUTH.rawValue
            }
            return git_credential_ssh_key_new(
                out, usernameFromURL ?? username ?? "git", publicKey, privateKey, passphrase)
        }
    }

    func checkCertificate(_ cert: UnsafeMutablePointer<git_cert>, valid: Bool, host: String) -> Int32 {
        guard cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
            // HTTPS: libgit2's own verification against the system's certificate authorities.
            return GIT_PASSTHROUGH.rawValue
        }
        guard let knownHosts else {
            problem = "SSH remotes need --git-known-hosts-file: the host key of \(host) cannot be checked"
            return GIT_ECERTIFICATE.rawValue
        }
        let hostKey = UnsafeMutableRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
        guard hostKey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostKey.hostkey else {
            problem = "the SSH server's host key was not available to check"
            return GIT_ECERTIFICATE.rawValue
        }
        let key = [UInt8](UnsafeRawBufferPointer(start: raw, count: hostKey.hostkey_len))
        if knownHosts.trusts(host: host, key: key) { return 0 }
        problem =
            knownHosts.knows(host: host)
            ? "the host key of \(host) does not match the known_hosts file (changed key, or a man in the middle)"
            : "\(host) is not in the known_hosts file (add it: ssh-keyscan \(host) >> known_hosts)"
        return GIT_ECERTIFICATE.rawValue
    }
}
