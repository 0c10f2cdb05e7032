import AsteriskConfig

extension AsteriskConsole {
    /// Where Asterisk puts its control socket by default.
    public static let defaultSocketPath = "/var/run/asterisk/asterisk.ctl"

    /// The control socket's path as asterisk.conf sets it: `astrundir` of `[directories]` joined with
    /// `astctl` of `[files]` (Asterisk's defaults `/var/run/asterisk` and `asterisk.ctl` when unset).
    public static func socketPath(asteriskConf: ConfigDocument) -> String {
        var runDirectory = "/var/run/asterisk"
        var socketName = "asterisk.ctl"
        for category in asteriskConf.categories {
            if category.name == "directories", let value = category["astrundir"], !value.isEmpty { runDirectory = value }
            if category.name == "files", let value = category["astctl"], !value.isEmpty { socketName = value }
        }
        while runDirectory.count > 1 && runDirectory.hasSuffix("/") { runDirectory.removeLast() }
        return runDirectory + "/" + socketName
    }

    /// The control socket's path from, in order: `explicit`, the `ASTERISK_CTL` environment value, an
    /// asterisk.conf file, or the default.
    /// - Throws: ``ConsoleError`` `.invalidConfiguration` when the asterisk.conf file cannot be read.
    public static func resolveSocketPath(explicit: String?, environment: [String: String], asteriskConfPath: String?) throws(ConsoleError) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["ASTERISK_CTL"], !fromEnvironment.isEmpty { return fromEnvironment }
        if let asteriskConfPath {
            do {
                return socketPath(asteriskConf: try ConfigParser.parse(contentsOfFile: asteriskConfPath))
            } catch {
                throw ConsoleError(.invalidConfiguration, "\(asteriskConfPath) could not be read: \(error)")
            }
        }
        return defaultSocketPath
    }
}
