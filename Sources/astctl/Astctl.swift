import ArgumentParser

/// The `astctl` command: a console for Asterisk's interfaces.
@main
struct Astctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "astctl",
        abstract: "Drive Asterisk from the command line: AMI actions, CLI commands, live events, FastAGI, ARI, and a demo.",
        discussion: """
            Exit codes: 0 success, 1 Asterisk refused the action (or a config value was not found), 2 a config file is invalid, \
            3 connection or login failed, 64 usage error or unsafe input.
            """,
        subcommands: [DemoCommand.self, MonitorCommand.self, SoakCommand.self, AMICommand.self, AGICommandGroup.self, ARICommandGroup.self, ConfigCommandGroup.self, ConsoleCLICommand.self])
}

/// Exit codes shared by the subcommands.
enum AstctlExit {
    /// Asterisk answered `Response: Error`.
    static let actionFailed = ExitCode(1)
    /// A configuration file is invalid.
    static let invalidConfig = ExitCode(2)
    /// The connection or login failed.
    static let connectionFailed = ExitCode(3)
}
