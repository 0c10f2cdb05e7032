/// A configuration as Asterisk loads it: the top file with everything it includes, each file kept as
/// its own ``ConfigDocument`` (to edit and write back), and the categories they form together.
public struct LoadedConfig: Sendable {
    /// One `#include`, `#tryinclude` or `#exec` that was followed.
    public struct Inclusion: Sendable, Hashable {
        /// The file that has the directive.
        public var file: String
        /// Its line number (1-based).
        public var line: Int
        /// The directive.
        public var directive: ConfigDirective
        /// The files it read, in order (for `#exec`, the pseudo-file named after the command).
        public var files: [String]
    }

    /// The top file's path.
    public var file: String
    /// Every file read, by path, each parsed on its own.
    public var documents: [String: ConfigDocument]
    /// The paths in ``documents`` in the order they were first read.
    public var files: [String]
    /// Every directive followed, in the order it was met.
    public var inclusions: [Inclusion]
    /// The categories of all files together, templates included, as Asterisk builds them.
    public var allCategories: [ConfigCategory]
    /// Warnings from every file (lines Asterisk ignores, a disabled `#exec`, a `#tryinclude` that
    /// found nothing).
    public var warnings: [ConfigError]

    /// The categories that are not templates, with their inherited variables.
    public var categories: [ConfigCategory] { allCategories.filter { !$0.header.isTemplate } }

    /// The first non-template category called `name` (compared without regard to case, as Asterisk does).
    public func category(_ name: String) -> ConfigCategory? {
        allCategories.first { !$0.header.isTemplate && $0.name.caseInsensitiveEquals(name) }
    }
}
