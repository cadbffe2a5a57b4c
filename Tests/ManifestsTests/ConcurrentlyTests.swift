import Manifests
import Testing

@Suite struct ConcurrentlyTests {
    @Test("every part runs once and the results come back in part order")
    func partsInOrder() {
        #expect(Concurrently.map(0) { $0 }.isEmpty)
        #expect(Concurrently.map(1) { $0 * 10 } == [0])
        #expect(Concurrently.map(37) { part in (0..<1_000).reduce(part) { $0 &+ $1 } - 499_500 } == Array(0..<37))
    }

    @Test("a part whose result is nil keeps its place")
    func optionalResults() {
        let results: [Int?] = Concurrently.map(8) { $0 % 3 == 0 ? nil : $0 }
        #expect(results == [nil, 1, 2, nil, 4, 5, nil, 7])
    }
}
