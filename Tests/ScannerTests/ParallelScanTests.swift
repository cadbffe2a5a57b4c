import Foundation
import Manifests
import TestSupport
import Testing

@testable import Scanner

/// Files are read on several threads; the result must not depend on how many.
@Suite struct ParallelScanTests {
    @Test func everyThreadCountGivesTheSerialResultInTheSameOrder() throws {
        let repo = try TempGitRepository()
        // Teams 0–2 deploy through a kustomization that includes nothing: their files are not deployed.
        for team in 0..<3 {
            try repo.write("teams/t\(team)/kustomization.yaml", "namespace: team-\(team)\n")
        }
        for index in 0..<400 {
            let folder = "teams/t\(index % 6)/app-\(index / 6)"
            switch index % 8 {
            case 0: try repo.write("\(folder)/svc.yaml", Fixture.service("svc-\(index)", ports: [("pg", 5432)]))
            case 1:
                try repo.write(
                    "\(folder)/ep.yaml",
                    Fixture.service("ep-\(index)", namespace: "own") + "---\n"
                        + Fixture.endpoints(
                            "ep-\(index)", namespace: "own", ips: ["10.0.\(index / 256).\(index % 256)"]))
            case 2: try repo.write("\(folder)/broken.yaml", "kind: Service\nmetadata: {name: [\n")
            case 3: try repo.write("\(folder)/chart.yaml", "kind: Service\nmetadata:\n  name: {{ .Values.name }}\n")
            case 4:
                try repo.write(
                    "\(folder)/list.json",
                    #"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"j\#(index)"},"subsets":[]}]}"#
                )
            case 5:
                try repo.write(
                    "\(folder)/big.yaml", Fixture.endpoints("big-\(index)", ips: (1...60).map { "10.9.0.\($0)" }))
            default:
                try repo.write(
                    "\(folder)/deploy.yaml",
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\(index)\n"
                        + String(repeating: "# padding\n", count: index % 50))
            }
        }
        try repo.commitAll()
        let snapshot = try RepositorySnapshot(repositoryPath: repo.path)
        // A small size limit puts "too large" notes among the others.
        func scan(_ threads: Int) throws -> ScanResult {
            try snapshot.scan(ScanOptions(maxFileSize: 1200, threads: threads))
        }
        let serial = try scan(1)
        #expect(serial.records.count > 50)
        #expect(serial.notes.contains { $0.reason == .notIncluded })
        #expect(!serial.errors.isEmpty)
        #expect(serial.notes.contains { $0.reason == .tooLarge })
        #expect(serial.notes.contains { $0.reason == .template })
        for threads in [2, 3, 8] {
            let parallel = try scan(threads)
            #expect(parallel.records == serial.records)
            #expect(parallel.errors == serial.errors)
            #expect(parallel.notes == serial.notes)
            #expect(parallel.stats == serial.stats)
        }
    }
}
