/// One parsed configuration file: its lines (byte-exact), the categories they form, and the warnings
/// Asterisk's loader would log.
public struct ConfigDocument: Sendable, Hashable {
    /// The file name given to the parser.
    public var file: String
    /// Every physical line, in order.
    public var lines: [ConfigLine]
    /// What Asterisk would warn about (lines without `=`, an unclosed block comment); not fatal.
    public var warnings: [ConfigError]
    /// How the file's bytes were decoded, and how ``data`` encodes them again.
    public var encoding: Encoding = .utf8

    /// The byte encodings a configuration file can have.
    public enum Encoding: Sendable, Hashable {
        /// UTF-8 (and so ASCII).
        case utf8
        /// ISO-8859-1: one byte per character.
        case isoLatin1
    }

    /// Creates a document from lines.
    public init(file: String, lines: [ConfigLine], warnings: [ConfigError] = []) {
        self.file = file
        self.lines = lines
        self.warnings = warnings
    }

    /// The file's text: for a document nobody edited, exactly the bytes that were parsed.
    public var text: String {
        var out = ""
        out.reserveCapacity(lines.reduce(0) { $0 + $1.text.utf8.count + $1.ending.utf8.count })
        for line in lines {
            out += line.text
            out += line.ending
        }
        return out
    }

    /// The file's bytes in its own encoding: for a document nobody edited, exactly the bytes parsed.
    public var data: [UInt8] {
        switch encoding {
        case .utf8:
            return Array(text.utf8)
        case .isoLatin1:
            var bytes: [UInt8] = []
            for scalar in text.unicodeScalars {
                if scalar.value < 256 { bytes.append(UInt8(scalar.value)) } else { bytes += Array(String(scalar).utf8) }
            }
            return bytes
        }
    }

    /// The categories in file order (templates included; two categories of the same name stay two),
    /// each with its own variables only. `(+)` sections are folded into the category they extend.
    public var categories: [ConfigCategory] {
        var result: [ConfigCategory] = []
        var current: Int?
        for (index, line) in lines.enumerated() {
            switch line.element {
            case .category(let header):
                if header.isAppend, let existing = result.lastIndex(where: { $0.name == header.name }) {
                    current = existing
                } else {
                    result.append(ConfigCategory(header: header, line: index))
                    current = result.count - 1
                }
            case .variable(let variable):
                if let current { result[current].variables.append(ConfigCategory.Entry(variable: variable, line: index)) }
            default:
                break
            }
        }
        return result
    }

    /// The categories that are not templates, each with the variables of its templates (in the order
    /// listed, each template's own inheritance first) followed by its own, as Asterisk builds them.
    public func resolvedCategories() throws(ConfigError) -> [ConfigCategory] {
        let all = categories
        var resolved: [ConfigCategory] = []
        var byName: [String: ConfigCategory] = [:]
        for category in all {
            var inherited: [ConfigCategory.Entry] = []
            for template in category.header.templates {
                guard let base = byName[template] else {
                    throw ConfigError(
                        .syntax, file: file, line: category.line + 1, column: 1,
                        "category '\(category.name)' inherits from '\(template)', which is not defined above it")
                }
                inherited += base.variables
            }
            var complete = category
            complete.variables = inherited + category.variables
            complete.inheritedCount = inherited.count
            byName[category.name] = complete
            if !category.header.isTemplate { resolved.append(complete) }
        }
        return resolved
    }
}

/// A category (or template) and its variables.
public struct ConfigCategory: Sendable, Hashable {
    /// One variable and the index of the line it comes from.
    public struct Entry: Sendable, Hashable {
        /// The variable.
        public var variable: ConfigVariable
        /// The index in ``ConfigDocument/lines`` of its line.
        public var line: Int
    }

    /// The header line's content.
    public var header: ConfigCategoryHeader
    /// The index in ``ConfigDocument/lines`` of the header line.
    public var line: Int
    /// The variables, in order (after ``ConfigDocument/resolvedCategories()``, inherited ones first).
    public var variables: [Entry] = []
    /// How many of ``variables`` came from templates.
    public var inheritedCount = 0

    /// The category's name.
    public var name: String { header.name }

    /// Every value of `name`, in order (repeated keys such as `allow` give several).
    public func values(of name: String) -> [String] {
        variables.filter { $0.variable.name == name }.map(\.variable.value)
    }

    /// The value of `name` as Asterisk (since version 21) looks it up: the last one, so a category's
    /// own setting overrides its templates'.
    public subscript(name: String) -> String? {
        variables.last { $0.variable.name == name }?.variable.value
    }
}
