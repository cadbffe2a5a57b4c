import Foundation
import Manifests
import TestSupport
import Testing

@testable import Scanner

@Suite struct RepositorySnapshotTests {
    @Test func readsNestedMultiDocumentJSONAndListFilesAsGitHasThem() throws {
        let repo = try TempGitRepository()
        try repo.write(
            "clusters/prod/shop/db.yaml",
            Fixture.service("db", namespace: "shop") + "---\n"
                + Fixture.endpoints("db", namespace: "shop", ips: ["10.0.0.1", "10.0.0.2"]))
        try repo.write(
            "clusters/prod/ledger.json",
            #"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ledger", "namespace": "payments"}}]}"#
        )
        try repo.write("clusters/prod/app.yml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
        try repo.write("README.md", "# not a manifest\n")
        let commit = try repo.commitAll()

        let result = try RepositorySnapshot(repositoryPath: repo.path).scan()
        #expect(result.commitID == commit)
        #expect(result.errors.isEmpty)
        #expect(
            result.records.map(\.ref.description).sorted() == [
                "Endpoints/shop/db", "Service/payments/ledger", "Service/shop/db",
            ])
        // Cross-check with git: the files we read are exactly git's manifest files at HEAD, with git's blob ids.
        let gitFiles = try repo.git(["ls-tree", "-r", "--name-only", "HEAD"]).split(separator: "\n").map(String.init)
        #expect(
            result.stats.filesSelected
                == gitFiles.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }.count)
        let endpoints = try #require(result.records.first { $0.ref.kind == .endpoints })
        #expect(endpoints.source?.blobID == (try repo.blobID("clusters/prod/shop/db.yaml")))
        #expect(endpoints.source?.line == 10)
        #expect(endpoints.source?.documentIndex == 1)
        #expect(endpoints.source?.commitID == commit)
        let ledger = try #require(result.records.first { $0.ref.name == "ledger" })
        #expect(ledger.source?.itemIndex == 0)
        #expect(result.inventory["shop/db"]?.backends.count == 2)
    }

    @Test func namespacesComeFromTheKustomizationThenMetadataThenTheDefault() throws {
        let repo = try TempGitRepository()
        try repo.write(
            "apps/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nresources: [db]\n")
        try repo.write("apps/db/kustomization.yaml", "resources: [ep.yaml, svc.yaml]\n")
        try repo.write("apps/db/ep.yaml", Fixture.endpoints("db", ips: ["10.0.0.1"]))
        try repo.write("apps/db/svc.yaml", Fixture.service("db", namespace: "explicit"))
        try repo.write("loose.yaml", Fixture.service("loose"))
        try repo.write("pinned.yaml", Fixture.service("pinned", namespace: "explicit"))
        try repo.commitAll()

        let result = try RepositorySnapshot(repositoryPath: repo.path).scan(ScanOptions(defaultNamespace: "fallback"))
        let byName = Dictionary(uniqueKeysWithValues: result.records.map { ($0.source?.path ?? "", $0) })
        #expect(byName["apps/db/ep.yaml"]?.ref.namespace == "shop")
        #expect(byName["apps/db/ep.yaml"]?.namespaceRule == .kustomization(path: "apps/kustomization.yaml"))
        // kustomize's namespace overrides what the manifest says.
        #expect(byName["apps/db/svc.yaml"]?.ref.namespace == "shop")
        #expect(byName["apps/db/svc.yaml"]?.namespaceRule == .kustomization(path: "apps/kustomization.yaml"))
        #expect(byName["pinned.yaml"]?.ref.namespace == "explicit")
        #expect(byName["pinned.yaml"]?.namespaceRule == .metadata)
        #expect(byName["loose.yaml"]?.ref.namespace == "fallback")
        #expect(byName["loose.yaml"]?.namespaceRule == .defaultNamespace)
        // Cross-check: the files git has are the ones read.
        #expect(try repo.git(["ls-files"]).contains("apps/db/kustomization.yaml"))
    }

    @Test func aKustomizationAboveAPathPrefixStillBuildsTheSelectedFiles() throws {
        let repo = try TempGitRepository()
        try repo.write("apps/kustomization.yaml", "namespace: shop\nresources: [db/ep.yaml]\n")
        try repo.write("apps/db/ep.yaml", Fixture.endpoints("db", ips: ["10.0.0.1"]))
        try repo.write("apps/db/draft.yaml", Fixture.endpoints("draft", ips: ["10.0.0.2"]))
        try repo.write("other/x.yaml", Fixture.service("x"))
        try repo.commitAll()
        let options = ScanOptions(filter: PathFilter(prefixes: ["apps/db"]))
        let result = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        #expect(result.records.map(\.ref.description) == ["Endpoints/shop/db"])
        #expect(result.notes.contains { $0.path == "apps/db/draft.yaml" && $0.reason == .notIncluded })
    }

    @Test func resolvesEveryKindOfRevisionLikeGit() throws {
        let repo = try TempGitRepository()
        var commits: [String] = []
        for index in 1...4 {
            try repo.write("db.yaml", Fixture.endpoints("db", ips: ["10.0.0.\(index)"]))
            commits.append(try repo.commitAll("commit \(index)"))
        }
        try repo.git(["tag", "light", commits[0]])
        try repo.git(["tag", "-a", "annotated", "-m", "release", commits[1]])
        try repo.git(["branch", "feature", commits[2]])
        let clone = try TempGitRepository()
        try clone.git(["remote", "add", "origin", repo.path])
        try clone.git(["fetch", "-q", "origin"])

        let cases: [(TempGitRepository, String)] = [
            (repo, "light"), (repo, "annotated"), (repo, "feature"), (repo, commits[1]),
            (repo, String(commits[2].prefix(8))),
            (repo, "HEAD~2"), (repo, "HEAD"), (clone, "origin/main"), (clone, "origin/feature"),
        ]
        for (repository, revision) in cases {
            let expected = try repository.git(["rev-parse", "\(revision)^{commit}"])
            let snapshot = try RepositorySnapshot(repositoryPath: repository.path, revision: revision)
            #expect(snapshot.commit.id.hex == expected, "\(revision)")
            let result = try snapshot.scan()
            let index = (commits.firstIndex(of: expected) ?? -1) + 1
            #expect(
                result.inventory["default/db"]?.backends.backends.map(\.address) == ["10.0.0.\(index)"], "\(revision)")
        }
    }

    @Test func aBadRevisionIsAClearError() throws {
        let repo = try TempGitRepository()
        try repo.write("a.yaml", "a: 1\n")
        try repo.commitAll()
        #expect {
            try RepositorySnapshot(repositoryPath: repo.path, revision: "no-such-branch")
        } throws: { error in
            guard let error = error as? ScanError else { return false }
            return error.message.contains("unknown revision") && error.message.contains("no-such-branch")
        }
    }

    @Test func neverSeesTheWorkingTreeOrTheIndex() throws {
        let repo = try TempGitRepository()
        try repo.write("db.yaml", Fixture.endpoints("db", ips: ["10.0.0.1"]))
        try repo.commitAll()
        try repo.write("db.yaml", Fixture.endpoints("db", ips: ["10.9.9.9"]))
        try repo.write("staged.yaml", Fixture.service("staged"))
        try repo.git(["add", "staged.yaml"])
        try repo.write("untracked.yaml", Fixture.service("untracked"))

        let result = try RepositorySnapshot(repositoryPath: repo.path).scan()
        #expect(result.records.map(\.ref.description) == ["Endpoints/default/db"])
        #expect(result.inventory["default/db"]?.backends.backends.map(\.address) == ["10.0.0.1"])
        // And the scan changed nothing.
        #expect(
            try repo.git(["status", "--porcelain"])
                == "M db.yaml\nA  staged.yaml\n?? untracked.yaml".trimmingCharacters(in: .whitespaces))
    }

    @Test func worksOnBareRepositoriesAndFromSubfolders() throws {
        let repo = try TempGitRepository()
        try repo.write("deep/er/db.yaml", Fixture.endpoints("db", ips: ["10.0.0.1"]))
        let commit = try repo.commitAll()
        let bare = FileManager.default.temporaryDirectory.appendingPathComponent("bare-\(UUID().uuidString).git").path
        defer { try? FileManager.default.removeItem(atPath: bare) }
        try TempGitRepository.run("/usr/bin/env", ["git", "clone", "-q", "--bare", repo.path, bare])

        let fromBare = try RepositorySnapshot(repositoryPath: bare)
        #expect(fromBare.repository.isBare)
        #expect(fromBare.commit.id.hex == commit)
        #expect(try fromBare.scan().records.count == 1)

        let fromSubfolder = try RepositorySnapshot(repositoryPath: repo.path + "/deep/er")
        #expect(fromSubfolder.commit.id.hex == commit)
        #expect(try fromSubfolder.scan().records.count == 1)
    }

    @Test func skipsSubmodulesSymlinksLFSBinaryTemplatesAndLargeFilesWithNotes() throws {
        let library = try TempGitRepository()
        try library.write("lib.yaml", Fixture.service("lib"))
        try library.commitAll()

        let repo = try TempGitRepository()
        try repo.write("db.yaml", Fixture.endpoints("db", ips: ["10.0.0.1"]))
        try repo.write("lfs.yaml", "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n")
        try repo.write("binary.yaml", Data([0x6b, 0x69, 0x6e, 0x64, 0x00, 0xff, 0x00]))
        try repo.write("latin1.yaml", Data("kind: Service # caf".utf8) + Data([0xE9, 0x0A]))
        try repo.write(
            "chart/templates/ep.yaml", "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: {{ .Release.Name }}\n")
        var big = Fixture.service("big") + "# " + String(repeating: "x", count: 5 * 1024 * 1024) + "\n"
        big += ""
        try repo.write("big.yaml", big)
        try repo.commitAll()
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/link.yaml", withDestinationPath: "db.yaml")
        try repo.git(["-c", "protocol.file.allow=always", "submodule", "add", "-q", library.path, "vendor/lib"])
        try repo.commitAll("submodule and symlink")

        let result = try RepositorySnapshot(repositoryPath: repo.path).scan()
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.records.map(\.ref.description) == ["Endpoints/default/db"])
        let reasons = Dictionary(grouping: result.notes, by: \.path).mapValues { $0.map(\.reason) }
        #expect(reasons["vendor/lib"] == [.submodule])
        #expect(reasons["link.yaml"] == [.symlink])
        #expect(reasons["lfs.yaml"] == [.lfsPointer])
        #expect(reasons["binary.yaml"] == [.binary])
        #expect(reasons["latin1.yaml"] == [.notUTF8])
        #expect(reasons["chart/templates/ep.yaml"] == [.template])
        #expect(reasons["big.yaml"] == [.tooLarge])

        let raised = try RepositorySnapshot(repositoryPath: repo.path).scan(ScanOptions(maxFileSize: 6 * 1024 * 1024))
        #expect(raised.records.contains { $0.ref.name == "big" })
    }

    @Test func brokenFilesAreReportedWithPositionAndTheRestIsRead() throws {
        let repo = try TempGitRepository()
        try repo.write("good.yaml", Fixture.endpoints("db", ips: ["10.0.0.1"]))
        try repo.write("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels: [a\n")
        try repo.write(
            "dup.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  type: ClusterIP\n  type: NodePort\n")
        var laughs = "apiVersion: v1\nkind: Service\nmetadata:\n  name: lol\n"
        laughs += "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            laughs +=
                "a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", "))]\n"
        }
        try repo.write("laughs.yaml", laughs)
        try repo.commitAll()

        let result = try RepositorySnapshot(repositoryPath: repo.path).scan()
        #expect(result.records.map(\.ref.description) == ["Endpoints/default/db"])
        let errors = Dictionary(uniqueKeysWithValues: result.errors.map { ($0.path, $0) })
        #expect(errors["bad.yaml"]?.kind == .syntax)
        #expect(errors["bad.yaml"]?.line == 6)
        #expect(errors["dup.yaml"]?.kind == .duplicateKey)
        #expect(errors["dup.yaml"]?.description == "dup.yaml:7:3: duplicate key \"type\" (first defined at line 6)")
        #expect(errors["laughs.yaml"]?.kind == .aliasLimit)
    }

    @Test func pathIncludeAndExcludeFiltersApply() throws {
        let repo = try TempGitRepository()
        try repo.write("prod/db.yaml", Fixture.service("prod-db"))
        try repo.write("prod/db.json", #"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "prod-json"}}"#)
        try repo.write("prod/skip/db.yaml", Fixture.service("skipped"))
        try repo.write("dev/db.yaml", Fixture.service("dev-db"))
        try repo.commitAll()
        let options = ScanOptions(
            filter: PathFilter(prefixes: ["prod"], includes: ["*.yaml"], excludes: ["prod/skip/**"]))
        let result = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        #expect(result.records.map(\.ref.name) == ["prod-db"])
    }

    @Test func readsOneFileFromTheCommit() throws {
        let repo = try TempGitRepository()
        try repo.write(".endpoint-drift.yaml", "ignore: []\n")
        try repo.commitAll()
        try repo.write(".endpoint-drift.yaml", "changed: true\n")
        let snapshot = try RepositorySnapshot(repositoryPath: repo.path)
        #expect(
            try snapshot.readFile(".endpoint-drift.yaml").map { String(decoding: $0, as: UTF8.self) } == "ignore: []\n")
        #expect(try snapshot.readFile("missing.yaml") == nil)
    }
}
