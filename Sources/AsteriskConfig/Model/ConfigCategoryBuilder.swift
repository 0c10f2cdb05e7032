/// Builds categories from headers and variables in file order, with the rules of Asterisk's loader:
/// names compare without regard to case; a template list copies the variables the first category
/// (or template) of each name has at that moment; `(+)` adds to the first non-template category of
/// the name; `+=` extends the last variable of the name.
struct ConfigCategoryBuilder {
    /// The categories so far, templates included.
    private(set) var categories: [ConfigCategory] = []
    /// Whether template lists copy variables (``ConfigDocument/resolvedCategories()``) or are only
    /// recorded (``ConfigDocument/categories``).
    let inherits: Bool
    /// Whether an unknown template or `(+)` target is an error, or is passed over.
    let strict: Bool

    /// Adds a header; returns the index of the category its variables go to.
    mutating func add(_ header: ConfigCategoryHeader, file: String, line: Int) throws(ConfigError) -> Int {
        var category = ConfigCategory(header: header, line: line, file: file)
        if inherits {
            for template in header.templates {
                guard let base = categories.firstIndex(where: { $0.name.caseInsensitiveEquals(template) }) else {
                    guard strict else { continue }
                    throw ConfigError(
                        .syntax, file: file, line: line + 1, column: 1,
                        "category '\(header.name)' inherits from '\(template)', which is not defined above it")
                }
                category.variables += categories[base].variables
            }
            category.inheritedCount = category.variables.count
        }
        if header.isAppend {
            if let existing = categories.firstIndex(where: { !$0.header.isTemplate && $0.name.caseInsensitiveEquals(header.name) }) {
                categories[existing].variables += category.variables
                return existing
            }
            if strict {
                throw ConfigError(
                    .syntax, file: file, line: line + 1, column: 1,
                    "'[\(header.name)](+)' adds to a category '\(header.name)' that is not defined above it (templates cannot be added to)")
            }
        }
        categories.append(category)
        return categories.count - 1
    }

    /// Adds a variable to the category at `index`.
    mutating func add(_ variable: ConfigVariable, to index: Int, file: String, line: Int) {
        if variable.appendsToValue {
            if let last = categories[index].variables.lastIndex(where: { $0.variable.name == variable.name }) {
                let combined = categories[index].variables[last].variable.value + variable.value
                categories[index].variables[last].variable.value = String(combined.drop { ConfigParser.isBlank($0) })
                return
            }
            var plain = variable
            plain.value = ConfigParser.trim(variable.value)
            plain.appendsToValue = false
            categories[index].variables.append(ConfigCategory.Entry(variable: plain, line: line, file: file))
            return
        }
        categories[index].variables.append(ConfigCategory.Entry(variable: variable, line: line, file: file))
    }
}

extension String {
    /// ASCII case-insensitive equality, as `strcasecmp` compares names.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
        }
    }
}
