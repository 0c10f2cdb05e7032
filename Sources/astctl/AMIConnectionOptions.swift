import ArgumentParser
import AsteriskAMI
import AsteriskConfig
import Logging

/// Where `astctl` finds a manager: `--url`, or `--config manager.conf --user NAME`, or
/// `$ASTERISK_AMI_URL`, in that order. Secrets are never printed.
struct AMIConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "ami://user:secret@host:5038 (or amis:// for TLS). Default: $ASTERISK_AMI_URL.")
    var url: String?
    @Option(name: .customLong("config"), help: "A manager.conf to take the user, secret and address from (with --user).")
    var configFile: String?
    @Option(name: .long, help: "The manager user of --config.") var user: String?
    @Option(name: .long, help: "Connect to this host instead of the one --config names.") var host: String?
    @Flag(name: .customLong("tls"), help: "With --config: use the TLS listener (tlsbindaddr).") var useTLS = false

    func validate() throws {
        try ConnectionSources.validate(url: url, configFile: configFile, user: user, fileName: "manager.conf")
    }

    /// The client configuration these options name; a missing or unusable source is a usage error,
    /// an invalid manager.conf exits 2.
    func clientConfiguration() throws -> AMIClientConfiguration {
        if let configFile, let user {
            let loaded = try ConnectionSources.load(configFile)
            do {
                return try AMIClientConfiguration(managerConf: loaded, user: user, host: host, useTLS: useTLS, md5: true)
            } catch {
                throw ValidationError(error.message)
            }
        }
        guard let text = url ?? Environment.value("ASTERISK_AMI_URL") else {
            throw ValidationError("give --url ami://user:secret@host:port, --config manager.conf --user NAME, or set ASTERISK_AMI_URL")
        }
        do {
            var configuration = try AMIClientConfiguration(url: text)
            if let host { configuration.host = host }
            return configuration
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// Connects a client, mapping failures to exit code 3.
    func connect(events: AMIEventMask = .off, reconnect: AMIReconnectPolicy = .disabled) async throws -> AMIClient {
        var configuration = try clientConfiguration()
        configuration.events = events
        configuration.keepAliveInterval = reconnect == .disabled ? nil : .seconds(15)
        configuration.reconnect = reconnect
        var logger = Logger(label: "astctl")
        logger.logLevel = .error
        let client = AMIClient(configuration: configuration, logger: logger)
        do {
            try await client.connect()
        } catch {
            printError("astctl: \(error)")
            throw AstctlExit.connectionFailed
        }
        return client
    }

    /// Connects, runs `body`, and closes. An ``AMIError`` is reported — Asterisk's answer through
    /// `render` when there is one — and becomes exit code 1 (refused), 64 (unsafe input) or 3 (connection).
    func withClient(
        events: AMIEventMask = .off, render: (AMIResponse) -> String?, _ body: (AMIClient) async throws -> Void
    ) async throws {
        let client = try await connect(events: events)
        do {
            try await body(client)
            await client.close()
        } catch let error as AMIError {
            await client.close()
            if let response = error.response, let text = render(response) {
                print(text)
            } else {
                printError("astctl: \(error)")
            }
            switch error.code {
            case .actionFailed: throw AstctlExit.actionFailed
            case .invalidHeader: throw ExitCode.validationFailure
            default: throw AstctlExit.connectionFailed
            }
        }
    }
}
