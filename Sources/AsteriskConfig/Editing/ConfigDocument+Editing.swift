/// Lossless edits: each changes only the lines it must (a changed value keeps its line's spacing and
/// comment), so ``ConfigDocument/text`` differs from the file in those lines alone. Categories are
/// chosen by name (compared without regard to case) and occurrence: the second `[name]` section
/// (not counting `(+)` sections) is occurrence 1. Every edit throws ``ConfigError`` `.invalidEdit`
/// when its target is missing or its text would not read back as written (a line break, a name
/// with `=`, …): nothing can inject a line.
extension ConfigDocument {
    /// Adds `[name]` (with its options) at the end of the file, after a blank line.
    public mutating func addCategory(_ name: String, templates: [String] = [], isTemplate: Bool = false) throws(ConfigError) {
        try ConfigEditText.checkCategoryName(name, file: file)
        for template in templates { try ConfigEditText.checkCategoryName(template, file: file) }
        var options = isTemplate ? ["!"] : []
        options += templates
        let header = "[\(name)]" + (options.isEmpty ? "" : "(\(options.joined(separator: ",")))")
        var added: [String] = []
        if let last = lines.last, last.element != .blank { added.append("") }
        added.append(header)
        let before = count(of: name)
        try edit({ lines in ConfigEditText.insert(added, at: lines.count, into: &lines) }) { $0.count(of: name) == before + 1 }
    }

    /// Removes a category section: its header and the lines up to the next header, except the
    /// comments and blank lines directly above that header (they usually describe it).
    public mutating func removeCategory(_ name: String, occurrence: Int = 0) throws(ConfigError) {
        let category = try locate(name, occurrence: occurrence)
        var end = nextHeader(after: category.line)
        while end > category.line + 1, [.blank, .comment].contains(lines[end - 1].element) { end -= 1 }
        let before = count(of: name)
        try edit({ lines in lines.removeSubrange(category.line..<end) }) { $0.count(of: name) == before - 1 }
    }

    /// Renames a category section: only the name between `[` and `]` changes.
    public mutating func renameCategory(_ name: String, to newName: String, occurrence: Int = 0) throws(ConfigError) {
        try ConfigEditText.checkCategoryName(newName, file: file)
        let category = try locate(name, occurrence: occurrence)
        var text = lines[category.line].text
        guard let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") else {
            throw ConfigError(.invalidEdit, file: file, line: category.line + 1, "the header of [\(name)] is not a plain '[…]' line")
        }
        text.replaceSubrange(text.index(after: open)..<close, with: newName)
        let before = count(of: newName)
        try edit({ lines in lines[category.line].text = text }) { $0.count(of: newName) == before + (name.caseInsensitiveEquals(newName) ? 0 : 1) }
    }

    /// Sets `name` in a category: the line that gives it its value is changed in place (its last one;
    /// the category's own, not a template's); a category without it gets a new line.
    public mutating func setVariable(_ name: String, to value: String, in categoryName: String, occurrence: Int = 0) throws(ConfigError) {
        try ConfigEditText.checkValue(value, file: file)
        let category = try locate(categoryName, occurrence: occurrence)
        guard let entry = category.entry(name) else {
            return try addVariable(name, value: value, to: categoryName, occurrence: occurrence)
        }
        let changed = ConfigEditText.replacingValue(of: lines[entry.line], variable: entry.variable, with: value)
        try edit({ lines in lines[entry.line].text = changed }) { (try? $0.locate(categoryName, occurrence: occurrence))?[name] == value }
    }

    /// Adds a `name = value` line (`=>` with `isObject`) after the category's last variable, copying
    /// that line's indentation and spacing around `=`.
    public mutating func addVariable(
        _ name: String, value: String, to categoryName: String, occurrence: Int = 0, isObject: Bool = false
    ) throws(ConfigError) {
        try ConfigEditText.checkVariableName(name, file: file)
        try ConfigEditText.checkValue(value, file: file)
        let category = try locate(categoryName, occurrence: occurrence)
        let after = category.variables.map(\.line).max() ?? category.line
        let style = category.variables.last.map { ConfigEditText.Style(of: lines[$0.line].text) } ?? ConfigEditText.Style()
        let text = style.indent + name + (isObject ? style.objectOperator : style.assignment) + ConfigEditText.escape(value)
        let before = category.values(of: name).count
        try edit({ lines in ConfigEditText.insert([text], at: after + 1, into: &lines) }) { edited in
            guard let category = try? edited.locate(categoryName, occurrence: occurrence) else { return false }
            return category.values(of: name).count == before + 1 && category[name] == value
        }
    }

    /// Removes the lines of `name` from a category: the one that gives its value, every one with
    /// `all`, or the ones whose value is `value` (one `allow` among several).
    public mutating func removeVariable(
        _ name: String, from categoryName: String, occurrence: Int = 0, value: String? = nil, all: Bool = false
    ) throws(ConfigError) {
        let category = try locate(categoryName, occurrence: occurrence)
        var matching = category.variables.filter { $0.variable.name.caseInsensitiveEquals(name) }
        if let value { matching = matching.filter { $0.variable.value == value } }
        if !all && value == nil, let last = matching.last { matching = [last] }
        guard !matching.isEmpty else {
            throw ConfigError(.invalidEdit, file: file, "[\(categoryName)] has no '\(name)'\(value.map { " with value '\($0)'" } ?? "") to remove")
        }
        let doomed = Set(matching.map(\.line))
        let before = category.values(of: name).count
        try edit({ lines in lines = lines.enumerated().filter { !doomed.contains($0.offset) }.map(\.element) }) { edited in
            (try? edited.locate(categoryName, occurrence: occurrence))?.values(of: name).count == before - doomed.count
        }
    }

    /// The category section chosen by name and occurrence, with its own variables.
    private func locate(_ name: String, occurrence: Int) throws(ConfigError) -> ConfigCategory {
        let matches = categories.filter { $0.name.caseInsensitiveEquals(name) && !$0.header.isAppend }
        guard occurrence >= 0, occurrence < matches.count else {
            let count = matches.count
            throw ConfigError(
                .invalidEdit, file: file,
                count == 0 ? "there is no category [\(name)]" : "there are \(count) categories [\(name)], so occurrence \(occurrence) does not exist")
        }
        return matches[occurrence]
    }

    /// The index of the first category header after `line`, or the line count.
    private func nextHeader(after line: Int) -> Int {
        var index = line + 1
        while index < lines.count {
            if case .category = lines[index].element { return index }
            index += 1
        }
        return lines.count
    }

    /// How many category sections (not `(+)` ones) are called `name`.
    private func count(of name: String) -> Int {
        categories.filter { $0.name.caseInsensitiveEquals(name) && !$0.header.isAppend }.count
    }

    /// Applies a change to the lines and parses the result again, so every line's meaning stays
    /// true; an edit that leaves the document unparseable, or that does not read back as intended
    /// (a new line inside a `;-- --;` block comment), is undone and reported.
    private mutating func edit(_ change: (inout [ConfigLine]) -> Void, verify: (ConfigDocument) -> Bool) throws(ConfigError) {
        var changed = lines
        change(&changed)
        let text = changed.map { $0.text + $0.ending }.joined()
        var reparsed: ConfigDocument
        do {
            reparsed = try ConfigParser(file: file, variablesOutsideCategoriesAreErrors: false).parse(text)
        } catch {
            throw ConfigError(.invalidEdit, file: file, line: error.line, column: error.column, "the edit would make the file unreadable: \(error.message)")
        }
        reparsed.encoding = encoding
        guard verify(reparsed) else {
            throw ConfigError(
                .invalidEdit, file: file,
                "the edit would not read back as intended (does a ';--' block comment swallow the changed line?); nothing was changed")
        }
        self = reparsed
    }
}
