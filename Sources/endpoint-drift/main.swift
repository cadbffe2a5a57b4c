import ArgumentParser
import EndpointDriftKit
import Foundation
import GitStore

// Beside argument parsing: libgit2's set-up takes a few milliseconds.
GitLibrary.initializeInBackground()

MemoryTuning.apply()
// A closed stdout (`| head`) is then a write error (EPIPE) that the run reports and exits 2 on,
// instead of a silent death by signal halfway through a patch.
signal(SIGPIPE, SIG_IGN)
// Parse and run by hand so that every failure to start (bad flags included) exits 2, as documented,
// instead of swift-argument-parser's 64.
let code = await EndpointDriftCommand.execute(Array(CommandLine.arguments.dropFirst()))
GitLibrary.settleBeforeExit()
exit(code)
