/// `Command`: runs a CLI command and returns its output lines.
public struct CommandAction: AMIAction {
    /// The typed answer.
    public typealias Response = CommandResponse
    /// `Command`.
    public static let actionName = "Command"
    /// The CLI command, for example `core show channels`.
    public var command: String
    /// The headers sent.
    public var headers: [AMIHeader] { [AMIHeader(name: "Command", value: command)] }
    /// Creates the action.
    public init(_ command: String) { self.command = command }
}

/// The answer to ``CommandAction``: output lines from `Output:` headers (Asterisk 14+) or the legacy body.
public struct CommandResponse: AMIActionResponse {
    /// The raw response.
    public let response: AMIResponse
    /// Builds the typed answer.
    public init(response: AMIResponse) throws(AMIError) { self.response = response }
    /// The command's output, one element per line.
    public var output: [String] { response.output }
    /// The output joined with newlines.
    public var text: String { output.joined(separator: "\n") }
}
