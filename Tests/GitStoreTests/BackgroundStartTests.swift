import Testing

@testable import GitStore

/// libgit2's background set-up and the process's exit (`GitLibrary.settleBeforeExit`): a set-up
/// that began is waited for, and none begins once the process is exiting.
@Suite struct BackgroundStartTests {
    @Test("a set-up that began is reported to the exit, which then waits for it")
    func begunBeforeExit() {
        let start = BackgroundStart()
        #expect(start.begin())
        #expect(start.close())
    }

    @Test("once the exit has begun, no set-up begins")
    func exitFirst() {
        let start = BackgroundStart()
        #expect(!start.close())
        #expect(!start.begin())
        // The exit asked again still has nothing to wait for.
        #expect(!start.close())
    }

    @Test("the set-up and the exit racing on many threads: the exit waits exactly when one began")
    func racing() async {
        for _ in 0..<200 {
            let start = BackgroundStart()
            async let began = Task.detached { start.begin() }.value
            let mustWait = start.close()
            // Whichever came first, the two agree: a set-up that began is one the exit waits for.
            #expect(await began == mustWait)
        }
    }
}
