import ArgumentParser

/// `--vars-from-cluster`, for the commands that talk to the API server and build the desired state.
struct ClusterVariableOptions: ParsableArguments {
    @Flag(
        name: .customLong("vars-from-cluster"),
        help: ArgumentHelp(
            "Read the ConfigMaps and Secrets that Flux substitutes variables from (postBuild.substituteFrom) from the cluster when git does not hold them or holds them SOPS-encrypted. Needs get on those configmaps and secrets; Secret values are never shown."
        ))
    var variablesFromCluster = false

    func validate(liveFile: String?) throws {
        if variablesFromCluster, liveFile != nil {
            throw ValidationError(
                "--vars-from-cluster reads ConfigMaps and Secrets through the API server; it cannot be combined with --live-file (pass the values with --vars FILE)"
            )
        }
    }
}
