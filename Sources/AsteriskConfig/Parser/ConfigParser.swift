/// Parses the text of one configuration file into ``ConfigLine``s, as Asterisk's loader reads it,
/// keeping every byte so that ``ConfigDocument/text`` gives the file back unchanged. Sans-IO:
/// includes are recorded as directives and followed by ``ConfigLoader``.
public struct ConfigParser: Sendable {
    /// The file name used in errors and warnings.
    public let file: String
    /// Whether a variable before any `[category]` is an error (as in Asterisk's loader) or a warning.
    public var variablesOutsideCategoriesAreErrors: Bool

    /// Creates a parser for a file called `file` (only used in messages).
    public init(file: String = "<text>", variablesOutsideCategoriesAreErrors: Bool = true) {
        self.file = file
        self.variablesOutsideCategoriesAreErrors = variablesOutsideCategoriesAreErrors
    }

    /// Parses a file's bytes: UTF-8, or ISO-8859-1 when they are not valid UTF-8 (some sample configs
    /// are); ``ConfigDocument/data`` writes them back in the same encoding.
    public func parse(bytes: some Collection<UInt8>) throws(ConfigError) -> ConfigDocument {
        let array = Array(bytes)
        if let text = String(validating: array, as: UTF8.self) {
            return try parse(text)
        }
        var document = try parse(String(String.UnicodeScalarView(array.map { Unicode.Scalar($0) })))
        document.encoding = .isoLatin1
        return document
    }

    /// Parses `text`.
    /// - Throws: ``ConfigError`` `.syntax` with line and column for what Asterisk refuses: a `[` without
    ///   `]`, options without `)`, a variable before any category.
    public func parse(_ text: String) throws(ConfigError) -> ConfigDocument {
        var lines: [ConfigLine] = []
        var warnings: [ConfigError] = []
        var stripper = ConfigCommentStripper()
        var inCategory = false
        var number = 0
        for (body, ending) in Self.physicalLines(of: text) {
            number += 1
            let (content, hadComment) = stripper.strip(body, lineNumber: number)
            let element = try classify(content, hadComment: hadComment, line: number, inCategory: &inCategory, raw: body)
            if case .ignored(let warning) = element {
                warnings.append(ConfigError(.syntax, file: file, line: number, column: 1, warning))
            }
            lines.append(ConfigLine(text: String(body), ending: ending, element: element))
        }
        if stripper.level > 0 {
            warnings.append(ConfigError(
                .syntax, file: file, line: stripper.openedOnLine, column: 1,
                "a block comment ';--' opened here is never closed with '--;'"))
        }
        return ConfigDocument(file: file, lines: lines, warnings: warnings)
    }

    /// Splits text into lines and their endings (`\n`, `\r\n`, or none for the last line).
    static func physicalLines(of text: String) -> [(Substring, String)] {
        var result: [(Substring, String)] = []
        var start = text.startIndex
        var index = text.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            if utf8[index] == UInt8(ascii: "\n") {
                var end = index
                var ending = "\n"
                if end > start, utf8[utf8.index(before: end)] == UInt8(ascii: "\r") {
                    end = utf8.index(before: end)
                    ending = "\r\n"
                }
                result.append((text[start..<end], ending))
                index = utf8.index(after: index)
                start = index
            } else {
                index = utf8.index(after: index)
            }
        }
        if start < text.endIndex { result.append((text[start...], "")) }
        return result
    }

    private func classify(
        _ content: String, hadComment: Bool, line: Int, inCategory: inout Bool, raw: Substring
    ) throws(ConfigError) -> ConfigLine.Element {
        let trimmed = Self.trim(content)
        guard let first = trimmed.first else { return hadComment ? .comment : .blank }
        // Columns count from the raw line (comments and escapes before them are rare enough to ignore).
        let offset = raw.firstIndex(of: first).map { raw.distance(from: raw.startIndex, to: $0) } ?? 0
        switch first {
        case "[":
            guard let close = trimmed.firstIndex(of: "]") else {
                throw ConfigError(.syntax, file: file, line: line, column: offset + 1, "'[' opens a category name but no ']' closes it")
            }
            let name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            var header = ConfigCategoryHeader(name: name)
            let rest = trimmed[trimmed.index(after: close)...]
            if rest.first == "(" {
                guard let end = rest.firstIndex(of: ")") else {
                    throw ConfigError(
                        .syntax, file: file, line: line, column: offset + trimmed.distance(from: trimmed.startIndex, to: rest.startIndex) + 1,
                        "'(' opens the options of category '\(name)' but no ')' closes them")
                }
                for option in rest[rest.index(after: rest.startIndex)..<end].split(separator: ",", omittingEmptySubsequences: false) {
                    let word = Self.trim(String(option))
                    switch word {
                    case "!": header.isTemplate = true
                    case "+": header.isAppend = true
                    case "": continue
                    default: header.templates.append(word)
                    }
                }
            }
            inCategory = true
            return .category(header)
        case "#":
            let afterHash = trimmed.dropFirst()
            let word = String(afterHash.prefix { $0 > " " })
            var argument = Self.trim(String(afterHash.dropFirst(word.count)))
            if argument.count >= 2, let open = argument.first, let close = argument.last,
                (open == "\"" && close == "\"") || (open == "<" && close == ">")
            {
                argument = String(argument.dropFirst().dropLast())
            }
            let kind = ConfigDirective.Kind(rawValue: word.lowercased()) ?? .unknown
            return .directive(ConfigDirective(kind: kind, word: word, argument: argument))
        default:
            guard inCategory else {
                let message = "a variable outside any category: put a [category] line above it"
                if variablesOutsideCategoriesAreErrors {
                    throw ConfigError(.syntax, file: file, line: line, column: offset + 1, message)
                }
                return .ignored(message)
            }
            guard let equals = trimmed.firstIndex(of: "=") else {
                return .ignored("no '=' on this line; Asterisk ignores it")
            }
            var nameEnd = equals
            var appends = false
            if nameEnd > trimmed.startIndex, trimmed[trimmed.index(before: nameEnd)] == "+" {
                appends = true
                nameEnd = trimmed.index(before: nameEnd)
            }
            var valueStart = trimmed.index(after: equals)
            var isObject = false
            if valueStart < trimmed.endIndex, trimmed[valueStart] == ">" {
                isObject = true
                valueStart = trimmed.index(after: valueStart)
            }
            return .variable(ConfigVariable(
                name: Self.trim(String(trimmed[..<nameEnd])), value: Self.trim(String(trimmed[valueStart...])), isObject: isObject,
                appendsToValue: appends))
        }
    }

    /// Trims spaces, tabs and line-end characters at both ends, as Asterisk's `ast_strip` does.
    static func trim(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        guard let start = text.firstIndex(where: { !isSpace($0) }), let end = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[start...end])
    }
}
