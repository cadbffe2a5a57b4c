import ArgumentParser
import EndpointDriftKit
import Foundation

MemoryTuning.apply()
// Parse and run by hand so that every failure to start (bad flags included) exits 2, as documented,
// instead of swift-argument-parser's 64.
let code = await EndpointDriftCommand.execute(Array(CommandLine.arguments.dropFirst()))
exit(code)
