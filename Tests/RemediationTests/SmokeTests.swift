import Manifests
import Remediation
import Testing

@Suite struct SmokeTests {
    @Test func addsAndRemovesAnAddress() {
        let file = """
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: db
            subsets:
              - addresses:
                  # primary
                  - ip: 10.0.0.1
                  # replica, retired
                  - ip: 10.0.0.2
                ports:
                  - name: pg
                    port: 5432

            """
        let live = """
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: db
              namespace: default
            subsets:
              - addresses:
                  - ip: 10.0.0.1
                  - ip: 10.0.0.3
                ports:
                  - name: pg
                    port: 5432
                    protocol: TCP

            """
        let result = FixHarness(files: ["db.yaml": file], live: live).run()
        print(result.text("db.yaml") ?? "nil")
        print(result.output.services)
        #expect(FixHarness.remainingDrift(files: ["db.yaml": file], edited: result.edited, live: live).isEmpty)
    }
}
