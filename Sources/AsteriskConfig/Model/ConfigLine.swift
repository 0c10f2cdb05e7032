/// One physical line of a configuration file: its exact text and ending (so the file can be written
/// back byte for byte) and what Asterisk's loader makes of it.
public struct ConfigLine: Sendable, Hashable {
    /// The line as it is in the file, without its ending.
    public var text: String
    /// `"\n"`, `"\r\n"`, or `""` for a last line without one.
    public var ending: String
    /// What the line means.
    public var element: Element

    /// What a line means to Asterisk.
    public enum Element: Sendable, Hashable {
        /// Nothing but whitespace.
        case blank
        /// Only comment text (`;` comments, or inside a `;-- … --;` block).
        case comment
        /// `[name](options)`.
        case category(ConfigCategoryHeader)
        /// `name = value` or `name => value`.
        case variable(ConfigVariable)
        /// `#include`, `#tryinclude`, `#exec` (or another `#` word, kept as written).
        case directive(ConfigDirective)
        /// Text Asterisk ignores with a warning (a line without `=`), with the warning.
        case ignored(String)
    }

    /// Creates a line.
    public init(text: String, ending: String, element: Element) {
        self.text = text
        self.ending = ending
        self.element = element
    }
}

/// `[name]`, `[name](!)`, `[name](tmpl1,tmpl2)`, `[name](!,tmpl)`, `[name](+)`.
public struct ConfigCategoryHeader: Sendable, Hashable {
    /// The category's name.
    public var name: String
    /// Whether it is a template (`!`): not a category of its own, only inherited from.
    public var isTemplate: Bool
    /// Whether it adds to an earlier category of the same name (`+`).
    public var isAppend: Bool
    /// The templates it inherits from, in the order written.
    public var templates: [String]

    /// Creates a header.
    public init(name: String, isTemplate: Bool = false, isAppend: Bool = false, templates: [String] = []) {
        self.name = name
        self.isTemplate = isTemplate
        self.isAppend = isAppend
        self.templates = templates
    }
}

/// `name = value` (or `name => value`, the object syntax of channel drivers and extensions.conf).
public struct ConfigVariable: Sendable, Hashable {
    /// The name, trimmed.
    public var name: String
    /// The value, trimmed, with `\;` unescaped; empty when nothing follows the `=`. For `+=` only
    /// trailing blanks are trimmed: Asterisk appends the text after `+=` as written, leading blanks
    /// included.
    public var value: String
    /// Whether it was written with `=>`.
    public var isObject: Bool
    /// Whether it was written with `+=`: the value is added to the variable's earlier value.
    public var appendsToValue: Bool

    /// Creates a variable.
    public init(name: String, value: String, isObject: Bool = false, appendsToValue: Bool = false) {
        self.name = name
        self.value = value
        self.isObject = isObject
        self.appendsToValue = appendsToValue
    }
}

/// A `#` line.
public struct ConfigDirective: Sendable, Hashable {
    /// What the directive does.
    public enum Kind: String, Sendable, Hashable {
        /// `#include`: read another file (or glob) here; missing files are an error.
        case include
        /// `#tryinclude`: like include, but a missing file is fine.
        case tryInclude = "tryinclude"
        /// `#exec`: run a program and read its output (only when enabled, as `execincludes` does).
        case exec
        /// Any other word, which Asterisk ignores with a warning.
        case unknown
    }

    /// What the directive does.
    public var kind: Kind
    /// The word as written after `#`.
    public var word: String
    /// The argument without its quotes or angle brackets.
    public var argument: String

    /// Creates a directive.
    public init(kind: Kind, word: String, argument: String) {
        self.kind = kind
        self.word = word
        self.argument = argument
    }
}
