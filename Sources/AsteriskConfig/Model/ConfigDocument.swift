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
            var bytes: [UInt8] = []
            bytes.reserveCapacity(lines.reduce(0) { $0 + $1.text.utf8.count + $1.ending.utf8.count })
            for line in lines {
                bytes.append(contentsOf: line.text.utf8)
                bytes.append(contentsOf: line.ending.utf8)
            }
            return bytes
        case .isoLatin1:
            var bytes: [UInt8] = []
            for scalar in text.unicodeScalars {
                if scalar.value < 256 { bytes.append(UInt8(scalar.value)) } else { bytes += Array(String(scalar).utf8) }
            }
            return bytes
        }
    }

    /// The categories in file order (templates included; two categories of the same name stay two),
    /// each with its own variables only (`+=` already applied). `(+)` sections are folded into the
    /// first category of their name; one whose category is not in this file stays a category of its own.
    public var categories: [ConfigCategory] {
        // Without inheritance and not strict, building cannot fail.
        (try? build(inherits: false, strict: false)) ?? []
    }

    /// The categories that are not templates, as Asterisk's loader builds them: each starts with a copy
    /// of its templates' variables (in the order listed, as each template stood at that point), then
    /// its own; `(+)` sections add to the first category of their name.
    /// - Throws: ``ConfigError`` `.syntax` for a template or `(+)` target not defined above.
    public func resolvedCategories() throws(ConfigError) -> [ConfigCategory] {
        try build(inherits: true, strict: true).filter { !$0.header.isTemplate }
    }

    private func build(inherits: Bool, strict: Bool) throws(ConfigError) -> [ConfigCategory] {
        var builder = ConfigCategoryBuilder(inherits: inherits, strict: strict)
        var current: Int?
        for (index, line) in lines.enumerated() {
            switch line.element {
            case .category(let header):
                current = try builder.add(header, file: file, line: index)
            case .variable(let variable):
                if let current { builder.add(variable, to: current, file: file, line: index) }
            default:
                break
            }
        }
        return builder.categories
    }
}
