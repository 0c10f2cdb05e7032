import ArgumentParser
import AsteriskConfig

/// What the `ami` and `ari` connection options share: one way of naming the connection, and
/// configuration files read as `astctl config` reads them.
enum ConnectionSources {
    /// Checks that the connection is named one way: `--url`, or `--config FILE --user NAME`.
    static func validate(url: String?, configFile: String?, user: String?, fileName: String) throws {
        if configFile != nil && user == nil { throw ValidationError("--config needs --user NAME (a [section] of \(fileName))") }
        if user != nil && configFile == nil { throw ValidationError("--user goes with --config PATH") }
        if url != nil && configFile != nil { throw ValidationError("give either --url or --config, not both") }
    }

    /// A configuration file with its includes; an invalid file prints its error and exits 2.
    static func load(_ file: String, configDirectory: String? = nil, exec: ConfigLoader.ExecPolicy = .disabled) throws -> LoadedConfig {
        do {
            return try ConfigLoader(configDirectory: configDirectory, exec: exec).load(file)
        } catch {
            printError("\(error.file):\(error.line):\(error.column): error: \(error.message)")
            throw AstctlExit.invalidConfig
        }
    }
}
