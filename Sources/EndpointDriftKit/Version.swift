/// This build's version, printed by `--version` and sent in `User-Agent: endpoint-drift/<version>`.
public enum Version {
    public static let current = "0.1.0"
}
