import Foundation
import Testing

@testable import EndpointDriftKit

@Suite("BackgroundWork: work done on a thread of its own at the lowest priority")
struct BackgroundWorkTests {
    @Test("the value comes back, from another thread, whose niceness is the lowest")
    func returnsItsValue() async {
        let (sum, niceness, onMain) = await BackgroundWork.run { () -> (Int, Int32, Bool) in
            // On Linux getpriority(PRIO_PROCESS, 0) reads the calling thread's own niceness.
            let niceness = Int32(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
            return ((1...100).reduce(0, +), niceness, Thread.isMainThread)
        }
        #expect(sum == 5050)
        #expect(!onMain)
        #expect(niceness == 19)
    }
}
