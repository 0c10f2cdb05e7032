/// A category (or template) and its variables.
public struct ConfigCategory: Sendable, Hashable {
    /// One variable and where it comes from.
    public struct Entry: Sendable, Hashable {
        /// The variable.
        public var variable: ConfigVariable
        /// The index in its document's ``ConfigDocument/lines`` of its line (the line number is one more).
        public var line: Int
        /// The file it comes from, as the parser or loader named it.
        public var file: String
    }

    /// The header line's content.
    public var header: ConfigCategoryHeader
    /// The index in its document's ``ConfigDocument/lines`` of the header line.
    public var line: Int
    /// The file of the header line.
    public var file: String
    /// The variables, in order (after ``ConfigDocument/resolvedCategories()``, inherited ones first).
    public var variables: [Entry] = []
    /// How many of ``variables`` came from templates.
    public var inheritedCount = 0

    /// The category's name.
    public var name: String { header.name }

    /// Every value of `name` (compared without regard to case, as Asterisk does), in order: repeated
    /// keys such as `allow` give several.
    public func values(of name: String) -> [String] {
        variables.filter { $0.variable.name.caseInsensitiveEquals(name) }.map(\.variable.value)
    }

    /// The value of `name` (compared without regard to case) as Asterisk looks it up: the last one, so
    /// a category's own setting overrides its templates'.
    public subscript(name: String) -> String? {
        entry(name)?.variable.value
    }

    /// The entry that gives `name` its value: the last one of that name.
    public func entry(_ name: String) -> Entry? {
        variables.last { $0.variable.name.caseInsensitiveEquals(name) }
    }
}
