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
        let isUTF8 = array.withUnsafeBufferPointer { buffer in
            !buffer.contains { $0 >= 0x80 } || String(validating: buffer, as: UTF8.self) != nil
        }
        if isUTF8 { return try parse(utf8: array) }
        // ISO-8859-1: every byte is the scalar of its value; parse the UTF-8 form of those scalars.
        var transcoded: [UInt8] = []
        transcoded.reserveCapacity(array.count + array.count / 8)
        for byte in array {
            if byte < 0x80 {
                transcoded.append(byte)
            } else {
                transcoded.append(0xC0 | (byte >> 6))
                transcoded.append(0x80 | (byte & 0x3F))
            }
        }
        var document = try parse(utf8: transcoded)
        document.encoding = .isoLatin1
        return document
    }

    /// Parses `text`.
    /// - Throws: ``ConfigError`` `.syntax` with line and column for what Asterisk refuses: a `[` without
    ///   `]`, options without `)`, a variable before any category.
    public func parse(_ text: String) throws(ConfigError) -> ConfigDocument {
        try parse(utf8: Array(text.utf8))
    }

    /// Parses valid UTF-8.
    private func parse(utf8 bytes: [UInt8]) throws(ConfigError) -> ConfigDocument {
        var lines: [ConfigLine] = []
        var warnings: [ConfigError] = []
        var stripper = ConfigCommentStripper()
        var classifier = ConfigLineClassifier(file: file, variablesOutsideCategoriesAreErrors: variablesOutsideCategoriesAreErrors)
        var kept: [UInt8] = []
        kept.reserveCapacity(256)
        let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        try bytes.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) throws(ConfigError) in
            var start = 0
            var number = 0
            while start < buffer.count {
                number += 1
                let rest = UnsafeBufferPointer(rebasing: buffer[start...])
                let newlineOffset = rest.firstIndex(of: newline)
                var end = newlineOffset.map { start + $0 } ?? buffer.count
                var ending = ""
                if newlineOffset != nil {
                    ending = "\n"
                    if end > start, buffer[end - 1] == carriageReturn {
                        end -= 1
                        ending = "\r\n"
                    }
                }
                let body = UnsafeBufferPointer(rebasing: buffer[start..<end])
                let element: ConfigLine.Element
                if body.count + (ending == "\r\n" ? 1 : 0) >= Self.longestLine {
                    element = .ignored("a line of \(Self.longestLine) bytes or more; Asterisk skips it")
                } else {
                    // Asterisk skips a UTF-8 byte order mark at the start of the file.
                    let hasMark = number == 1 && body.count >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF
                    let visible = hasMark ? UnsafeBufferPointer(rebasing: body[3...]) : body
                    kept.removeAll(keepingCapacity: true)
                    let hadComment = stripper.strip(visible, lineNumber: number, into: &kept)
                    element = try kept.withUnsafeBufferPointer { (content: UnsafeBufferPointer<UInt8>) throws(ConfigError) in
                        try classifier.classify(content, hadComment: hadComment, line: number, raw: body)
                    }
                }
                if case .ignored(let warning) = element {
                    warnings.append(ConfigError(.syntax, file: file, line: number, column: 1, warning))
                } else if case .variable = element, !classifier.inCategory {
                    warnings.append(ConfigError(
                        .outsideCategory, file: file, line: number, column: 1,
                        "a variable outside any category: put a [category] line above it"))
                }
                lines.append(ConfigLine(text: String(decoding: body, as: UTF8.self), ending: ending, element: element))
                start = end + ending.utf8.count
                if ending.isEmpty { break }
            }
        }
        if stripper.level > 0 {
            warnings.append(ConfigError(
                .syntax, file: file, line: stripper.openedOnLine, column: 1,
                "a block comment ';--' opened here is never closed with '--;'"))
        }
        return ConfigDocument(file: file, lines: lines, warnings: warnings)
    }

    /// Whether `character` is one of the blanks `ast_strip` removes.
    static func isBlank(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\r" || character == "\n" || character == "\u{0B}" || character == "\u{0C}"
    }

    /// Whether `byte` is one of the blanks `ast_strip` removes.
    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// Trims spaces, tabs and line-end characters at both ends, as Asterisk's `ast_strip` does.
    static func trim(_ text: String) -> String {
        guard let start = text.firstIndex(where: { !isBlank($0) }), let end = text.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(text[start...end])
    }
}
