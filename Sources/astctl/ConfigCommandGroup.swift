import ArgumentParser
import AsteriskConfig

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `astctl config …`: check, query, edit and rewrite Asterisk configuration files.
struct ConfigCommandGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check, query, edit and rewrite Asterisk .conf files as Asterisk reads them.",
        subcommands: [ConfigCheckCommand.self, ConfigGetCommand.self, ConfigSetCommand.self, ConfigDumpCommand.self, ConfigRewriteCommand.self])
}

/// Where a configuration is read from, shared by the `config` subcommands that follow includes.
struct ConfigLoadOptions: ParsableArguments {
    @Argument(help: "The .conf file.") var file: String
    @Option(name: .customLong("config-dir"), help: "Where relative #include paths point (default: the file's directory).")
    var configDirectory: String?
    @Flag(name: .customLong("exec"), help: "Run #exec commands (like execincludes = yes); only for files you trust.")
    var allowExec = false

    /// The file with its includes; an invalid file prints its error and exits 2.
    func load() throws -> LoadedConfig {
        try ConnectionSources.load(file, configDirectory: configDirectory, exec: allowExec ? .shell : .disabled)
    }
}

/// `astctl config check FILE`: parse with includes, print warnings, exit 2 on an error.
struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Parse a file with its includes; print warnings and errors as file:line:column.")

    @OptionGroup var source: ConfigLoadOptions
    @Flag(help: "Treat warnings as errors.") var strict = false
    @Flag(help: "Print the result as one JSON object (file, files read, categories, warnings).") var json = false

    func run() throws {
        let config = try source.load()
        if json {
            let warnings = config.warnings.map { warning in
                "{\"file\":\(JSONOutput.string(warning.file)),\"line\":\(warning.line),\"column\":\(warning.column),"
                    + "\"message\":\(JSONOutput.string(warning.message))}"
            }
            print("{\"file\":\(JSONOutput.string(config.file)),\"files\":\(JSONOutput.array(config.files)),"
                + "\"categories\":\(config.categories.count),\"warnings\":[\(warnings.joined(separator: ","))]}")
        } else {
            for warning in config.warnings { printError("\(warning.file):\(warning.line):\(warning.column): warning: \(warning.message)") }
            print("\(config.file): \(config.categories.count) categories, \(config.files.count) file(s), \(config.warnings.count) warning(s)")
        }
        if strict && !config.warnings.isEmpty { throw AstctlExit.invalidConfig }
    }
}

/// `astctl config get FILE CATEGORY [KEY]`: resolved values.
struct ConfigGetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Print a category's variables, or one variable's value, with templates applied.")

    @OptionGroup var source: ConfigLoadOptions
    @Argument(help: "The category.") var category: String
    @Argument(help: "The variable (all of the category's when omitted).") var key: String?
    @Flag(help: "Print every value of a repeated variable, one per line, not only the effective one.") var all = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let config = try source.load()
        guard let found = config.category(category) else {
            printError("astctl: \(config.file) has no category [\(category)]")
            throw AstctlExit.actionFailed
        }
        guard let key else {
            if json {
                print(ConfigJSON.category(found))
            } else {
                for entry in found.variables { print("\(entry.variable.name) \(entry.variable.isObject ? "=>" : "=") \(entry.variable.value)") }
            }
            return
        }
        let values = all ? found.values(of: key) : found[key].map { [$0] } ?? []
        guard !values.isEmpty else {
            printError("astctl: [\(found.name)] has no '\(key)'")
            throw AstctlExit.actionFailed
        }
        if json {
            print(all ? JSONOutput.array(values) : JSONOutput.string(values[0]))
        } else {
            for value in values { print(value) }
        }
    }
}

/// `astctl config set FILE CATEGORY KEY VALUE`: a lossless edit of the file itself.
struct ConfigSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set a variable in place (only its line changes) and write the file back.")

    @Argument(help: "The .conf file (edited itself; includes are not followed).") var file: String
    @Argument(help: "The category.") var category: String
    @Argument(help: "The variable.") var key: String
    @Argument(help: "The new value.") var value: String
    @Option(help: "Which section of that name (0 is the first).") var occurrence = 0
    @Flag(help: "Add a line even if the variable exists (for repeated keys such as allow).") var add = false
    @Flag(help: "Print the edited file instead of writing it.") var stdout = false

    func run() throws {
        do {
            var document = try ConfigParser.parse(contentsOfFile: file)
            if add {
                try document.addVariable(key, value: value, to: category, occurrence: occurrence)
            } else {
                try document.setVariable(key, to: value, in: category, occurrence: occurrence)
            }
            if stdout { StandardOutput.write(document.data) } else { try document.write(toFile: file) }
        } catch {
            printError("\(error.file)\(error.line > 0 ? ":\(error.line)" : ""): error: \(error.message)")
            throw error.code == .invalidEdit ? AstctlExit.actionFailed : AstctlExit.invalidConfig
        }
    }
}

/// `astctl config dump FILE`: the whole model.
struct ConfigDumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump", abstract: "Print every category with its variables, templates applied (JSON with --json).")

    @OptionGroup var source: ConfigLoadOptions
    @Flag(help: "Print JSON: files, categories (with inherited and source of each variable) and warnings.") var json = false

    func run() throws {
        let config = try source.load()
        if json {
            print(ConfigJSON.config(config))
            return
        }
        for (index, category) in config.categories.enumerated() {
            if index > 0 { print("") }
            print("[\(category.name)]" + (category.header.templates.isEmpty ? "" : "(\(category.header.templates.joined(separator: ",")))"))
            for entry in category.variables { print("\(entry.variable.name) \(entry.variable.isObject ? "=>" : "=") \(entry.variable.value)") }
        }
    }
}

/// `astctl config rewrite FILE`: parse and write back, byte for byte.
struct ConfigRewriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrite", abstract: "Parse a file and write it to standard output: identical bytes for any file it accepts.")

    @Argument(help: "The .conf file.") var file: String

    func run() throws {
        do {
            StandardOutput.write(try ConfigParser.parse(contentsOfFile: file, variablesOutsideCategoriesAreErrors: false).data)
        } catch {
            printError("\(error.file)\(error.line > 0 ? ":\(error.line):\(error.column)" : ""): error: \(error.message)")
            throw AstctlExit.invalidConfig
        }
    }
}

/// Raw bytes to standard output.
enum StandardOutput {
    /// Writes `bytes` completely.
    static func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(1, $0.baseAddress! + offset, $0.count - offset) }
            if count <= 0 { if errno == EINTR { continue } else { return } }
            offset += count
        }
    }
}

/// POSIX `write`, out of reach of ``StandardOutput/write(_:)``'s name.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(descriptor, bytes, count) }

/// JSON for configuration models, in file order.
enum ConfigJSON {
    /// One category: name, templates, variables with their origin.
    static func category(_ category: ConfigCategory) -> String {
        let variables = category.variables.enumerated().map { index, entry in
            "{\"name\":\(JSONOutput.string(entry.variable.name)),\"value\":\(JSONOutput.string(entry.variable.value))"
                + ",\"object\":\(entry.variable.isObject),\"inherited\":\(index < category.inheritedCount)"
                + ",\"file\":\(JSONOutput.string(entry.file)),\"line\":\(entry.line + 1)}"
        }
        return "{\"name\":\(JSONOutput.string(category.name)),\"templates\":\(JSONOutput.array(category.header.templates))"
            + ",\"file\":\(JSONOutput.string(category.file)),\"line\":\(category.line + 1),\"variables\":[\(variables.joined(separator: ","))]}"
    }

    /// A loaded configuration: files, categories and warnings.
    static func config(_ config: LoadedConfig) -> String {
        let warnings = config.warnings.map {
            "{\"file\":\(JSONOutput.string($0.file)),\"line\":\($0.line),\"message\":\(JSONOutput.string($0.message))}"
        }
        return "{\"file\":\(JSONOutput.string(config.file)),\"files\":\(JSONOutput.array(config.files))"
            + ",\"categories\":[\(config.categories.map(category).joined(separator: ","))],\"warnings\":[\(warnings.joined(separator: ","))]}"
    }
}
