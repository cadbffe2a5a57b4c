import Drift

/// Turns a report into the text of one output format. Reporters only format: every decision (what
/// drifted, what is ignored, what fails) is already in the `DriftReport`.
public protocol Reporter: Sendable {
    func render(_ report: DriftReport) -> String
}

/// What reporters need besides the report.
public struct ReportOptions: Sendable, Hashable {
    /// ANSI colour in text output.
    public var color: Bool
    public var toolVersion: String
    /// Markdown output stays under this many UTF-8 bytes (GitHub comments hold 65,536 characters).
    public var markdownLimit: Int
    /// `--repo-url`: links from findings to the repository (see `RepositoryLink`).
    public var repositoryLink: RepositoryLink?

    public init(
        color: Bool = false, toolVersion: String, markdownLimit: Int = MarkdownReporter.defaultLimit,
        repositoryLink: RepositoryLink? = nil
    ) {
        self.color = color
        self.toolVersion = toolVersion
        self.markdownLimit = markdownLimit
        self.repositoryLink = repositoryLink
    }
}

/// Turns a multi-cluster run into the text of one output format, with a section per cluster.
public protocol FleetReporter: Sendable {
    func render(_ fleet: FleetReport) -> String
}

/// Output formats of `check` and `lint`; the raw values are the `-o` spellings.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text
    case json
    case markdown
    case github
    case sarif
    case junit
    case html
    case yaml

    public func reporter(_ options: ReportOptions) -> any Reporter {
        switch self {
        case .text: TextReporter(color: options.color)
        case .json: JSONReporter(toolVersion: options.toolVersion)
        case .markdown: MarkdownReporter(limit: options.markdownLimit)
        case .github: GitHubReporter()
        case .sarif: SARIFReporter(toolVersion: options.toolVersion)
        case .junit: JUnitReporter()
        case .html: HTMLReporter(toolVersion: options.toolVersion, link: options.repositoryLink)
        case .yaml: YAMLReporter(toolVersion: options.toolVersion)
        }
    }

    /// The combined form of this format for a run over several clusters.
    public func fleetReporter(_ options: ReportOptions) -> any FleetReporter {
        switch self {
        case .text: FleetTextReporter(color: options.color)
        case .json: FleetJSONReporter(toolVersion: options.toolVersion)
        case .markdown: FleetMarkdownReporter(limit: options.markdownLimit)
        case .github: FleetGitHubReporter()
        case .sarif: FleetSARIFReporter(toolVersion: options.toolVersion)
        case .junit: FleetJUnitReporter()
        case .html: HTMLReporter(toolVersion: options.toolVersion, link: options.repositoryLink)
        case .yaml: YAMLReporter(toolVersion: options.toolVersion)
        }
    }
}
