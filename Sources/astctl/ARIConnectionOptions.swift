import ArgumentParser
import AsteriskARI
import AsteriskConfig
import Logging

/// Where `astctl` finds ARI: `--url`, or `--config ari.conf --user NAME` (with the http.conf beside
/// it, or `--http-config`), or `$ASTERISK_ARI_URL`, in that order. Passwords are never printed.
struct ARIConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "http://user:password@host:8088 (https for TLS). Default: $ASTERISK_ARI_URL.")
    var url: String?
    @Option(name: .customLong("config"), help: "An ari.conf to take the user and password from (with --user).")
    var configFile: String?
    @Option(name: .customLong("http-config"), help: "The http.conf giving the address (default: http.conf beside --config).")
    var httpConfigFile: String?
    @Option(name: .long, help: "The ARI user of --config.") var user: String?
    @Option(name: .long, help: "Connect to this host instead of the one http.conf names.") var host: String?
    @Flag(name: .customLong("tls"), help: "With --config: use the TLS listener (tlsbindaddr).") var useTLS = false

    func validate() throws {
        try ConnectionSources.validate(url: url, configFile: configFile, user: user, fileName: "ari.conf")
    }

    /// The client configuration these options name; a missing source is a usage error, an invalid file exits 2.
    func clientConfiguration() throws -> ARIClientConfiguration {
        if let configFile, let user {
            let directory = configFile.contains("/") ? String(configFile[..<configFile.lastIndex(of: "/")!]) : "."
            let ari = try ConnectionSources.load(configFile)
            let http = try ConnectionSources.load(httpConfigFile ?? directory + "/http.conf")
            do {
                return try ARIClientConfiguration(ariConf: ari, httpConf: http, user: user, host: host, useTLS: useTLS)
            } catch {
                throw ValidationError(error.message)
            }
        }
        guard let text = url ?? Environment.value("ASTERISK_ARI_URL") else {
            throw ValidationError("give --url http://user:password@host:8088, --config ari.conf --user NAME, or set ASTERISK_ARI_URL")
        }
        do {
            return try ARIClientConfiguration(url: text)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// A client for these options.
    func client() throws -> ARIClient {
        var logger = Logger(label: "astctl")
        logger.logLevel = .error
        return ARIClient(configuration: try clientConfiguration(), logger: logger)
    }
}
