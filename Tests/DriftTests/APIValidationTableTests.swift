import Drift
import Manifests
import TestSupport
import Testing

/// The differential lint test: for every case of the table (taken from the Kubernetes v1.23
/// validation code), `APIValidation` and `lint` both accept or both refuse, as the API server does.
@Suite struct APIValidationTableTests {
    /// The finding types that stand for "the API server refuses this object".
    static let refusals: Set<FindingType> = [
        .invalidField, .invalidAddress, .reservedAddress, .addressTypeMismatch, .tooManyEndpoints, .invalidManifest,
    ]

    @Test func theTableIsLargeEnough() {
        #expect(APIValidationCases.all.count >= 60)
        #expect(APIValidationCases.all.contains { $0.accepted } && APIValidationCases.all.contains { !$0.accepted })
        #expect(Set(APIValidationCases.all.map(\.name)).count == APIValidationCases.all.count)
    }

    @Test(arguments: APIValidationCases.all)
    func theModuleAgreesWithTheAPIServer(_ row: APIValidationCase) throws {
        let read = ManifestFileReader.read(row.manifest, path: "case.yaml")
        #expect(read.errors.isEmpty, "\(row.name): \(read.errors)")
        let object = try #require(read.objects.first?.object, "\(row.name)")
        let namespace = object.metadata.namespace ?? "shop"
        let problems = APIValidation.validate(object, namespace: namespace)
        #expect(problems.isEmpty == row.accepted, "\(row.name): \(problems)")
        if !row.accepted {
            #expect(
                problems.contains { $0.rule == row.rule }, "\(row.name): expected a \(row.rule) problem: \(problems)")
        }
    }

    @Test(arguments: APIValidationCases.all)
    func lintAgreesWithTheAPIServer(_ row: APIValidationCase) {
        let isService = row.manifest.contains("kind: Service\n")
        let file = isService ? row.manifest + "\n" : DriftFixtures.documents(APIValidationCases.service, row.manifest)
        let report = DriftFixtures.lint(["case.yaml": file])
        let refusals = report.findings.filter { Self.refusals.contains($0.type) }
        #expect(refusals.isEmpty == row.accepted, "\(row.name): \(refusals.map(\.message))")
        for finding in refusals {
            #expect(finding.severity == .error, "\(row.name): \(finding.message)")
            #expect(finding.source != nil, "\(row.name)")
        }
    }
}
