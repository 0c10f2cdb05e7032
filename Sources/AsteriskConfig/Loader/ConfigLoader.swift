/// Loads a configuration file and what it includes, as Asterisk's loader does: `#include` and
/// `#tryinclude` with paths relative to the configuration directory and glob patterns, `#exec` only
/// when enabled, an included file continuing the category its `#include` line is in, at most ten
/// levels deep. Include cycles are reported with the chain of files that forms them.
public struct ConfigLoader: Sendable {
    /// Runs an `#exec` command and returns what it printed (standard output and error, as Asterisk
    /// captures both).
    public typealias ExecRunner = @Sendable (_ command: String) throws -> [UInt8]

    /// What `#exec` does.
    public enum ExecPolicy: Sendable {
        /// `#exec` lines are skipped with a warning, as when Asterisk's `execincludes` is off (the default).
        case disabled
        /// `#exec` lines run their command with this runner and read its output as an included file.
        case enabled(ExecRunner)
    }

    /// Where relative paths point; `nil` for the directory of the top file.
    public var configDirectory: String?
    /// Where files are read from.
    public var fileSystem: any ConfigFileSystem
    /// What `#exec` does.
    public var exec: ExecPolicy
    /// How many files deep includes may nest (Asterisk's limit is 10, the top file counting as one).
    public var maximumDepth = 10

    /// Creates a loader.
    public init(configDirectory: String? = nil, fileSystem: any ConfigFileSystem = LocalConfigFileSystem(), exec: ExecPolicy = .disabled) {
        self.configDirectory = configDirectory
        self.fileSystem = fileSystem
        self.exec = exec
    }

    /// Loads `file` (absolute, or relative to the configuration directory) and everything it includes.
    /// - Throws: ``ConfigError``: `.unreadable` for a missing top file or `#include` target, `.syntax`
    ///   and `.outsideCategory` from any file, `.includeCycle` with the chain of files.
    public func load(_ file: String) throws(ConfigError) -> LoadedConfig {
        let directory = configDirectory ?? Self.directory(of: file)
        var state = LoadState(loader: self, directory: directory)
        let path = Self.resolve(file, in: directory)
        guard let bytes = try state.read(path, from: nil) else {
            throw ConfigError(.unreadable, file: path, "no such file")
        }
        var current: Int?
        try state.merge(path, bytes: bytes, current: &current, chain: [])
        return LoadedConfig(
            file: path, documents: state.documents, files: state.order, inclusions: state.inclusions,
            allCategories: state.builder.categories, warnings: state.warnings)
    }

    /// `path` made absolute against `directory`.
    static func resolve(_ path: String, in directory: String) -> String {
        if path.hasPrefix("/") { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    /// The directory part of `path` (`"."` when it has none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// The work of one ``ConfigLoader/load(_:)``.
private struct LoadState {
    let loader: ConfigLoader
    let directory: String
    var documents: [String: ConfigDocument] = [:]
    var order: [String] = []
    var inclusions: [LoadedConfig.Inclusion] = []
    var warnings: [ConfigError] = []
    var builder = ConfigCategoryBuilder(inherits: true, strict: true)
    /// The category Asterisk's `cfg->current` names: where an included file starts.
    var lastCategory: Int?

    /// Reads a file; `nil` when there is none.
    func read(_ path: String, from site: (file: String, line: Int)?) throws(ConfigError) -> [UInt8]? {
        do {
            return try loader.fileSystem.contents(ofFile: path)
        } catch {
            throw ConfigError(.unreadable, file: site?.file ?? path, line: site?.line ?? 0, "cannot read '\(path)': \(error)")
        }
    }

    /// Parses `bytes` as the file `path` and adds its categories, following its directives.
    mutating func merge(_ path: String, bytes: [UInt8], current: inout Int?, chain: [(file: String, line: Int)]) throws(ConfigError) {
        let document: ConfigDocument
        if let known = documents[path] {
            document = known
        } else {
            document = try ConfigParser(file: path, variablesOutsideCategoriesAreErrors: false).parse(bytes: bytes)
            documents[path] = document
            order.append(path)
            warnings += document.warnings.filter { $0.code != .outsideCategory }
        }
        for (index, line) in document.lines.enumerated() {
            switch line.element {
            case .category(let header):
                current = try builder.add(header, file: path, line: index)
                lastCategory = current
            case .variable(let variable):
                guard let category = current else {
                    throw ConfigError(
                        .outsideCategory, file: path, line: index + 1, column: 1,
                        "a variable outside any category: put a [category] line above it (or above the #include of this file)")
                }
                builder.add(variable, to: category, file: path, line: index)
            case .directive(let directive):
                try follow(directive, in: path, line: index + 1, chain: chain + [(path, index + 1)])
            default:
                break
            }
        }
    }

    /// Follows one directive found at `file:line`.
    private mutating func follow(_ directive: ConfigDirective, in file: String, line: Int, chain: [(file: String, line: Int)]) throws(ConfigError) {
        if directive.argument.isEmpty, directive.kind != .unknown {
            warnings.append(ConfigError(.syntax, file: file, line: line, column: 1, "'#\(directive.word)' needs an argument; Asterisk skips it"))
            return
        }
        if directive.kind != .unknown, chain.count >= loader.maximumDepth {
            throw ConfigError(
                .includeCycle, file: file, line: line, column: 1,
                "includes nest more than \(loader.maximumDepth) files deep: \(Self.describe(chain))")
        }
        switch directive.kind {
        case .unknown:
            warnings.append(ConfigError(.syntax, file: file, line: line, column: 1, "unknown directive '#\(directive.word)'; Asterisk skips it"))
        case .exec:
            guard case .enabled(let run) = loader.exec else {
                warnings.append(ConfigError(
                    .syntax, file: file, line: line, column: 1,
                    "#exec is disabled (enable it with ConfigLoader's exec policy, as execincludes does for Asterisk); skipped"))
                return
            }
            let output: [UInt8]
            do {
                output = try run(directive.argument)
            } catch {
                throw ConfigError(.unreadable, file: file, line: line, column: 1, "#exec \(directive.argument) failed: \(error)")
            }
            let name = "#exec \(directive.argument)"
            inclusions.append(.init(file: file, line: line, directive: directive, files: [name]))
            var current = lastCategory
            try merge(name, bytes: output, current: &current, chain: chain)
        case .include, .tryInclude:
            let pattern = ConfigLoader.resolve(directive.argument, in: directory)
            var found: [String] = []
            for path in ConfigGlob.expand(pattern, in: loader.fileSystem) {
                if let cycle = chain.firstIndex(where: { $0.file == path }) {
                    throw ConfigError(
                        .includeCycle, file: file, line: line, column: 1,
                        "'\(path)' includes itself: \(Self.describe(Array(chain[cycle...]))) → \(path)")
                }
                guard let bytes = try read(path, from: (file, line)) else { continue }
                found.append(path)
                var current = lastCategory
                try merge(path, bytes: bytes, current: &current, chain: chain)
            }
            inclusions.append(.init(file: file, line: line, directive: directive, files: found))
            if found.isEmpty {
                let message = "'#\(directive.word) \(directive.argument)' found no file at '\(pattern)'"
                if directive.kind == .include { throw ConfigError(.unreadable, file: file, line: line, column: 1, message) }
                warnings.append(ConfigError(.unreadable, file: file, line: line, column: 1, message))
            }
        }
    }

    /// `a.conf:3 → b.conf:1`.
    private static func describe(_ chain: [(file: String, line: Int)]) -> String {
        chain.map { "\($0.file):\($0.line)" }.joined(separator: " → ")
    }
}
