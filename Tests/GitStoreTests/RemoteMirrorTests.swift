import Foundation
import TestSupport
import Testing

@testable import GitStore

/// `RemoteMirror` against real repositories: a `file://` remote pushed to with the git CLI, and
/// over HTTP with a token (`git http-backend`); `KnownHosts` and `RemoteURL` on their own.
@Suite struct RemoteMirrorTests {
    @Test func fetchesABranchIntoABareCloneAndThenItsNewCommits() throws {
        let remote = try TempGitRepository(bare: true)
        let work = try TempGitRepository()
        try work.write("a.yaml", "a: 1\n")
        let first = try work.commitAll("one")
        try work.git(["push", "-q", remote.path, "main"])
        let data = try TempFolder()
        let mirror = RemoteMirror(url: "file://\(remote.path)", branch: "main", dataDirectory: data.path)
        #expect(mirror.fetchedCommit() == nil)
        #expect(try mirror.fetch().hex == first)
        #expect(try Repository.discover(from: mirror.path).isBare)

        try work.write("a.yaml", "a: 2\n")
        let second = try work.commitAll("two")
        try work.git(["push", "-q", remote.path, "main"])
        #expect(try mirror.fetch().hex == second)
        #expect(mirror.fetchedCommit()?.hex == second)
        // A force-push back is followed too (the branch is the remote's, not ours).
        try work.git(["push", "-q", "--force", remote.path, "\(first):refs/heads/main"])
        #expect(try mirror.fetch().hex == first)
    }

    @Test func aMissingBranchAndAMissingRemoteAreErrors() throws {
        let remote = try TempGitRepository(bare: true)
        let work = try TempGitRepository()
        try work.commitAll()
        try work.git(["push", "-q", remote.path, "main"])
        let data = try TempFolder()
        #expect {
            try RemoteMirror(url: "file://\(remote.path)", branch: "nope", dataDirectory: data.path).fetch()
        } throws: { error in
            "\(error)".contains("no branch 'nope'")
        }
        #expect(throws: GitError.self) {
            try RemoteMirror(url: "file://\(remote.path).gone", branch: "main", dataDirectory: data.path).fetch()
        }
    }

    @Test func pushesOneBranchOnlyWhereItWasLookedAtAndNeverTheFollowedOne() throws {
        let remote = try TempGitRepository(bare: true)
        let work = try TempGitRepository()
        try work.write("a.yaml", "a: 1\n")
        let first = try work.commitAll("one")
        try work.git(["push", "-q", remote.path, "main"])
        try work.write("a.yaml", "a: 2\n")
        let second = try work.commitAll("two")
        try work.git(["push", "-q", remote.path, "HEAD:refs/heads/other"])
        let data = try TempFolder()
        let mirror = RemoteMirror(url: "file://\(remote.path)", branch: "main", dataDirectory: data.path)
        let main = try mirror.fetch()
        #expect(try mirror.remoteBranchTip("fix") == nil)
        // `other` is fetched with its tip, which can then be pushed from the clone.
        let other = try #require(try mirror.remoteBranchTip("other"))
        #expect(other.hex == second)

        try mirror.push(main, toBranch: "fix", replacing: nil)
        #expect(try remote.git(["rev-parse", "refs/heads/fix"]) == first)
        #expect(try mirror.remoteBranchTip("fix") == main)
        // Replaced only where it was looked at: a stale expectation pushes nothing.
        #expect {
            try mirror.push(other, toBranch: "fix", replacing: nil)
        } throws: { error in
            "\(error)".contains("changed on the remote")
        }
        #expect(try remote.git(["rev-parse", "refs/heads/fix"]) == first)
        try mirror.push(other, toBranch: "fix", replacing: main)
        #expect(try remote.git(["rev-parse", "refs/heads/fix"]) == second)
        #expect(throws: GitError.self) { try mirror.push(other, toBranch: "main", replacing: main) }
        #expect(try remote.git(["rev-parse", "refs/heads/main"]) == first)
        #expect(try remote.git(["rev-parse", "refs/heads/other"]) == second)
        #expect(try remote.git(["for-each-ref", "--format=%(refname)"]).split(separator: "\n").count == 3)
    }

    @Test func overHTTPTheTokenIsSentAndNeverShown() throws {
        guard GitHTTPServer.isAvailable else {
            Issue.record("git http-backend is not installed")
            return
        }
        let root = try TempFolder()
        try TempGitRepository.run("/usr/bin/env", ["git", "init", "-q", "--bare", "-b", "main", root.file("r.git")])
        let work = try TempGitRepository()
        let head = try work.commitAll()
        try work.git(["push", "-q", root.file("r.git"), "main"])
        let secret = "tok-never-shown-9d2c"
        let server = try GitHTTPServer(projectRoot: root.path, tokenFile: try root.write("token", secret))
        let data = try TempFolder()
        let good = RemoteMirror(
            url: server.url("r.git"), branch: "main", dataDirectory: data.path,
            credentials: RemoteCredentials(.token(username: "git", token: secret)))
        #expect(try good.fetch().hex == head)
        #expect(!good.credentials.description.contains(secret))

        for credentials in [RemoteCredentials.none, RemoteCredentials(.token(username: "git", token: "wrong-9d2c"))] {
            let bad = RemoteMirror(
                url: server.url("r.git"), branch: "main", dataDirectory: data.path, credentials: credentials)
            #expect {
                try bad.fetch()
            } throws: { error in
                let text = "\(error)"
                return text.contains("authentication") && !text.contains(secret) && !text.contains("wrong-9d2c")
            }
        }
    }

    @Test func knownHostsMatchesPlainAndBracketedHosts() throws {
        let key = Data("a host key".utf8)
        let other = Data("another key".utf8)
        let hosts = KnownHosts(
            text: """
                # comment
                git.example.com,192.0.2.5 ssh-ed25519 \(key.base64EncodedString())
                [git.example.org]:2222 ssh-ed25519 \(other.base64EncodedString())
                |1|c2FsdA==|aGFzaA== ssh-ed25519 \(key.base64EncodedString())
                @revoked bad.example.com ssh-ed25519 \(key.base64EncodedString())
                broken line
                """)
        #expect(hosts.entries.count == 2)
        #expect(hosts.trusts(host: "git.example.com", key: Array(key)))
        #expect(hosts.trusts(host: "GIT.example.com", key: Array(key)))
        #expect(hosts.trusts(host: "192.0.2.5", key: Array(key)))
        #expect(!hosts.trusts(host: "git.example.com", key: Array(other)))
        #expect(hosts.knows(host: "git.example.com"))
        #expect(hosts.trusts(host: "git.example.org", key: Array(other)))
        #expect(!hosts.knows(host: "bad.example.com"))
    }

    @Test func urlsAreToldApartAndRedacted() {
        #expect(RemoteURL.isRemote("https://github.com/o/r.git"))
        #expect(RemoteURL.isRemote("file:///srv/r.git"))
        #expect(RemoteURL.isRemote("git@github.com:o/r.git"))
        #expect(RemoteURL.isRemote("ssh://git@host:22/r.git"))
        #expect(!RemoteURL.isRemote("."))
        #expect(!RemoteURL.isRemote("/srv/repo"))
        #expect(!RemoteURL.isRemote("repos/a:b"))
        #expect(RemoteURL.hasPassword("https://me:secret@host/r.git"))
        #expect(!RemoteURL.hasPassword("https://me@host/r.git"))
        #expect(
            RemoteURL.redacted("failed for 'https://me:secret@host/r.git' and http://tok@h2/x")
                == "failed for 'https://***@host/r.git' and http://***@h2/x")
        let credentials = RemoteCredentials(.token(username: "git", token: "s3cr3t"))
        #expect(credentials.redact("401 with s3cr3t in it") == "401 with *** in it")
    }
}
