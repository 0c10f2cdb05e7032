/// Parses the text of one configuration file into ``ConfigLine``s, as Asterisk's loader reads it,
/// keeping every byte so that ``ConfigDocument/text`` gives the file back unchanged. Sans-IO:
/// includes are recorded as directives and followed by ``ConfigLoader``.
public struct ConfigParser: Sendable {
    /// Asterisk reads lines into an 8 KiB buffer and skips any line that does not fit (with its `\n`).
    public static let longestLine = 8191
    /// The file name used in errors and warnings.
    public let file: String
    /// Whether a variable before any `[category]` is an error (as in Asterisk's loader for a file of its
    /// own) or a ``ConfigError/Code/outsideCategory`` warning (for a file another one includes inside a
    /// category: ``ConfigLoader`` parses includes this way).
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
            let element: ConfigLine.Element
            if body.utf8.count + (ending == "\r\n" ? 1 : 0) >= Self.longestLine {
                element = .ignored("a line of \(Self.longestLine) bytes or more; Asterisk skips it")
            } else {
                // Asterisk skips a UTF-8 byte order mark at the start of the file.
                let visible = number == 1 && body.first == "\u{FEFF}" ? body.dropFirst() : body
                let (content, hadComment) = stripper.strip(visible, lineNumber: number)
                element = try classify(content, hadComment: hadComment, line: number, inCategory: &inCategory, raw: body)
            }
            if case .ignored(let warning) = element {
                warnings.append(ConfigError(.syntax, file: file, line: number, column: 1, warning))
            } else if case .variable = element, !inCategory {
                warnings.append(ConfigError(
                    .outsideCategory, file: file, line: number, column: 1,
                    "a variable outside any category: put a [category] line above it"))
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
                // Like Asterisk, option words are not trimmed: `[a](!, b)` inherits from " b".
                for option in rest[rest.index(after: rest.startIndex)..<end].split(separator: ",", omittingEmptySubsequences: false) {
                    if option == "!" {
                        header.isTemplate = true
                    } else if option.first == "+" {
                        header.isAppend = true
                    } else {
                        header.templates.append(String(option))
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
            guard inCategory || !variablesOutsideCategoriesAreErrors else {
                throw ConfigError(
                    .outsideCategory, file: file, line: line, column: offset + 1,
                    "a variable outside any category: put a [category] line above it")
            }
            return try variable(trimmed, line: line, column: offset + 1)
        }
    }

    /// `name = value`, `name => value`, `name += value`; a leading `\` escapes the name's first character.
    private func variable(_ trimmed: String, line: Int, column: Int) throws(ConfigError) -> ConfigLine.Element {
        var text = Substring(trimmed)
        if text.first == "\\" {
            text = text.dropFirst()
            guard let next = text.unicodeScalars.first, next.value >= 33 else {
                throw ConfigError(.syntax, file: file, line: line, column: column, "'\\' at the start of a line must escape a visible character")
            }
        }
        guard let equals = text.firstIndex(of: "=") else {
            return .ignored("no '=' on this line; Asterisk ignores it")
        }
        if equals > text.startIndex, text[text.index(before: equals)] == "+" {
            let name = Self.trim(String(text[..<text.index(before: equals)]))
            var value = String(text[text.index(after: equals)...])
            while let last = value.last, Self.isBlank(last) { value.removeLast() }
            return .variable(ConfigVariable(name: name, value: value, appendsToValue: true))
        }
        var valueStart = text.index(after: equals)
        var isObject = false
        if valueStart < text.endIndex, text[valueStart] == ">" {
            isObject = true
            valueStart = text.index(after: valueStart)
        }
        let name = Self.trim(String(text[..<equals]))
        if name.isEmpty { return .ignored("no variable name before '='; Asterisk ignores the line") }
        return .variable(ConfigVariable(name: name, value: Self.trim(String(text[valueStart...])), isObject: isObject))
    }

    /// Whether `character` is one of the blanks `ast_strip` removes.
    static func isBlank(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\r" || character == "\n" || character == "\u{0B}" || character == "\u{0C}"
    }

    /// Trims spaces, tabs and line-end characters at both ends, as Asterisk's `ast_strip` does.
    static func trim(_ text: String) -> String {
        guard let start = text.firstIndex(where: { !isBlank($0) }), let end = text.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(text[start...end])
    }
}
