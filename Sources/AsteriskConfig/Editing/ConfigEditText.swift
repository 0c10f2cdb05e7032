/// The text work of lossless edits: checks that a name or value reads back as written, escaping,
/// finding a value inside its line, and copying a file's layout.
enum ConfigEditText {
    /// The indentation and spacing of a variable line, copied for new ones.
    struct Style {
        var indent = ""
        var assignment = " = "
        var objectOperator = " => "

        init() {}

        /// The layout of `line` (`  name=value` → indent "  ", assignment "=").
        init(of line: String) {
            indent = String(line.prefix { $0 == " " || $0 == "\t" })
            guard let equals = line.firstIndex(of: "=") else { return }
            let before = line[..<equals].reversed().prefix { $0 == " " || $0 == "\t" }
            var afterStart = line.index(after: equals)
            let isObject = afterStart < line.endIndex && line[afterStart] == ">"
            if isObject { afterStart = line.index(after: afterStart) }
            let after = line[afterStart...].prefix { $0 == " " || $0 == "\t" }
            assignment = String(before.reversed()) + "=" + after
            objectOperator = String(before.reversed()) + "=>" + after
        }
    }

    static func checkCategoryName(_ name: String, file: String) throws(ConfigError) {
        guard !name.isEmpty, !name.unicodeScalars.contains(where: { "]\r\n;".unicodeScalars.contains($0) }) else {
            throw ConfigError(.invalidEdit, file: file, "'\(name.debugDescription)' cannot be a category name: it must be non-empty, without ']', ';' or a line break")
        }
    }

    static func checkVariableName(_ name: String, file: String) throws(ConfigError) {
        let trimmed = ConfigParser.trim(name)
        guard !trimmed.isEmpty, trimmed == name, !name.unicodeScalars.contains(where: { "=;\r\n".unicodeScalars.contains($0) }),
            !["[", "#", "\\"].contains(name.first)
        else {
            throw ConfigError(
                .invalidEdit, file: file,
                "'\(name.debugDescription)' cannot be a variable name: it must be non-empty, without surrounding blanks, '=', ';' or a line break, and not start with '[', '#' or '\\'")
        }
    }

    static func checkValue(_ value: String, file: String) throws(ConfigError) {
        guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }), ConfigParser.trim(value) == value,
            !value.contains(";--"), !value.contains("--;")
        else {
            throw ConfigError(
                .invalidEdit, file: file,
                "'\(value.debugDescription)' cannot be written as a value: no line breaks, no surrounding blanks, no ';--' or '--;'")
        }
    }

    /// `;` written as `\;`.
    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            if character == ";" { out += "\\;" } else { out.append(character) }
        }
        return out
    }

    /// `\;` read back as `;`.
    static func unescape(_ raw: some StringProtocol) -> String {
        var out = ""
        var pendingBackslash = false
        for character in raw {
            if pendingBackslash {
                if character != ";" { out.append("\\") }
                pendingBackslash = false
            }
            if character == "\\" { pendingBackslash = true } else { out.append(character) }
        }
        if pendingBackslash { out.append("\\") }
        return out
    }

    /// `line`'s text with the value of `variable` replaced in place, spacing and comment kept; when the
    /// value cannot be found in the raw text, the line is written anew with its indentation.
    static func replacingValue(of line: ConfigLine, variable: ConfigVariable, with value: String) -> String {
        let text = line.text
        let bytes = Array(text.utf8)
        if !variable.appendsToValue, let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
            var start = equals + 1
            if variable.isObject, start < bytes.count, bytes[start] == UInt8(ascii: ">") { start += 1 }
            while start < bytes.count, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: ";") {
                end += bytes[end] == UInt8(ascii: "\\") && end + 1 < bytes.count && bytes[end + 1] == UInt8(ascii: ";") ? 2 : 1
            }
            while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
            let current = unescape(String(decoding: bytes[start..<end], as: UTF8.self))
            if current == variable.value {
                return String(decoding: bytes[..<start], as: UTF8.self) + escape(value) + String(decoding: bytes[end...], as: UTF8.self)
            }
        }
        let style = Style(of: text)
        return style.indent + variable.name + (variable.isObject ? style.objectOperator : style.assignment) + escape(value)
    }

    /// Inserts lines of `texts` before index `position`, ending like the line above (or the file's
    /// first line); a last line without an ending gets one first.
    static func insert(_ texts: [String], at position: Int, into lines: inout [ConfigLine]) {
        let above = position > 0 ? lines[position - 1].ending : ""
        let ending = above.isEmpty ? lines.first { !$0.ending.isEmpty }?.ending ?? "\n" : above
        if position > 0, position == lines.count, lines[position - 1].ending.isEmpty { lines[position - 1].ending = ending }
        let added = texts.map { ConfigLine(text: $0, ending: ending, element: .blank) }
        lines.insert(contentsOf: added, at: position)
    }
}
