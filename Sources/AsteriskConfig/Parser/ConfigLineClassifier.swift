/// Says what one comment-free line means: a category header, a variable, a directive, blank or
/// ignored. Works on bytes and builds strings only for the names and values it returns.
struct ConfigLineClassifier {
    let file: String
    let variablesOutsideCategoriesAreErrors: Bool
    /// Whether a category header has been seen.
    private(set) var inCategory = false

    init(file: String, variablesOutsideCategoriesAreErrors: Bool) {
        self.file = file
        self.variablesOutsideCategoriesAreErrors = variablesOutsideCategoriesAreErrors
    }

    mutating func classify(
        _ content: UnsafeBufferPointer<UInt8>, hadComment: Bool, line: Int, raw: UnsafeBufferPointer<UInt8>
    ) throws(ConfigError) -> ConfigLine.Element {
        var low = 0, high = content.count
        while low < high, ConfigParser.isBlank(content[low]) { low += 1 }
        while high > low, ConfigParser.isBlank(content[high - 1]) { high -= 1 }
        guard low < high else { return hadComment ? .comment : .blank }
        let text = UnsafeBufferPointer(rebasing: content[low..<high])
        // Columns count from the raw line (comments and escapes before them are rare enough to ignore).
        let column = (raw.firstIndex(of: text[0]) ?? 0) + 1
        switch text[0] {
        case UInt8(ascii: "["):
            return try header(text, line: line, column: column)
        case UInt8(ascii: "#"):
            return directive(text)
        default:
            guard inCategory || !variablesOutsideCategoriesAreErrors else {
                throw ConfigError(
                    .outsideCategory, file: file, line: line, column: column,
                    "a variable outside any category: put a [category] line above it")
            }
            return try variable(text, line: line, column: column)
        }
    }

    private mutating func header(_ text: UnsafeBufferPointer<UInt8>, line: Int, column: Int) throws(ConfigError) -> ConfigLine.Element {
        guard let close = text.firstIndex(of: UInt8(ascii: "]")) else {
            throw ConfigError(.syntax, file: file, line: line, column: column, "'[' opens a category name but no ']' closes it")
        }
        var header = ConfigCategoryHeader(name: Self.string(text, 1, close))
        // Options only when '(' follows ']' directly, as in Asterisk.
        if close + 1 < text.count, text[close + 1] == UInt8(ascii: "(") {
            guard let end = text[(close + 1)...].firstIndex(of: UInt8(ascii: ")")) else {
                throw ConfigError(
                    .syntax, file: file, line: line, column: column + close + 1,
                    "'(' opens the options of category '\(header.name)' but no ')' closes them")
            }
            // Like Asterisk, option words are not trimmed: `[a](!, b)` inherits from " b".
            var wordStart = close + 2
            for index in wordStart...end where index == end || text[index] == UInt8(ascii: ",") {
                let word = Self.string(text, wordStart, index)
                if word == "!" {
                    header.isTemplate = true
                } else if word.utf8.first == UInt8(ascii: "+") {
                    header.isAppend = true
                } else {
                    header.templates.append(word)
                }
                wordStart = index + 1
            }
        }
        inCategory = true
        return .category(header)
    }

    private func directive(_ text: UnsafeBufferPointer<UInt8>) -> ConfigLine.Element {
        var wordEnd = 1
        while wordEnd < text.count, text[wordEnd] > 0x20 { wordEnd += 1 }
        let word = Self.string(text, 1, wordEnd)
        var low = wordEnd, high = text.count
        while low < high, ConfigParser.isBlank(text[low]) { low += 1 }
        if high - low >= 2 {
            let open = text[low], close = text[high - 1]
            if (open == UInt8(ascii: "\"") && close == UInt8(ascii: "\"")) || (open == UInt8(ascii: "<") && close == UInt8(ascii: ">")) {
                low += 1
                high -= 1
            }
        }
        let kind = ConfigDirective.Kind(rawValue: word.lowercased()) ?? .unknown
        return .directive(ConfigDirective(kind: kind, word: word, argument: Self.string(text, low, high)))
    }

    /// `name = value`, `name => value`, `name += value`; a leading `\` escapes the name's first character.
    private func variable(_ text: UnsafeBufferPointer<UInt8>, line: Int, column: Int) throws(ConfigError) -> ConfigLine.Element {
        var nameStart = 0
        if text[0] == UInt8(ascii: "\\") {
            nameStart = 1
            guard text.count > 1, text[1] >= 33 else {
                throw ConfigError(.syntax, file: file, line: line, column: column, "'\\' at the start of a line must escape a visible character")
            }
        }
        guard let equals = text[nameStart...].firstIndex(of: UInt8(ascii: "=")) else {
            return .ignored("no '=' on this line; Asterisk ignores it")
        }
        if equals > nameStart, text[equals - 1] == UInt8(ascii: "+") {
            var valueEnd = text.count
            while valueEnd > equals + 1, ConfigParser.isBlank(text[valueEnd - 1]) { valueEnd -= 1 }
            return .variable(ConfigVariable(
                name: Self.trimmedString(text, nameStart, equals - 1), value: Self.string(text, equals + 1, valueEnd), appendsToValue: true))
        }
        var valueStart = equals + 1
        var isObject = false
        if valueStart < text.count, text[valueStart] == UInt8(ascii: ">") {
            isObject = true
            valueStart += 1
        }
        let name = Self.trimmedString(text, nameStart, equals)
        if name.isEmpty { return .ignored("no variable name before '='; Asterisk ignores the line") }
        return .variable(ConfigVariable(name: name, value: Self.trimmedString(text, valueStart, text.count), isObject: isObject))
    }

    /// The bytes `from..<to` as a string.
    @inline(__always) private static func string(_ text: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        from >= to ? "" : String(decoding: UnsafeBufferPointer(rebasing: text[from..<to]), as: UTF8.self)
    }

    /// The bytes `from..<to` without surrounding blanks, as a string.
    private static func trimmedString(_ text: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        var low = from, high = to
        while low < high, ConfigParser.isBlank(text[low]) { low += 1 }
        while high > low, ConfigParser.isBlank(text[high - 1]) { high -= 1 }
        return string(text, low, high)
    }
}
