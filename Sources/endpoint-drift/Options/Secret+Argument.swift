import ArgumentParser
import LiveState

/// A flag whose value is a credential (`--webhook`: a Slack webhook's URL is its secret) is held as
/// a `Secret` from the moment it is parsed.
extension Secret: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
