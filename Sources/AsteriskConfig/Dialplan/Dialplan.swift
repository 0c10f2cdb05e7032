/// extensions.conf as `pbx_config` reads it: `[general]`, the `[globals]` variables, and every other
/// category as a context of priorities (`exten =>`, `same =>`, with `n`, `n+1`, `s`, labels and
/// hints), includes, switches and ignore patterns. What Asterisk would skip with a warning (`n` on a
/// context's first line, an unknown label, a label without `)`) is skipped and listed in ``warnings``.
public struct Dialplan: Sendable, Hashable {
    /// The `[general]` settings (`static`, `writeprotect`, `autofallthrough`, …), if present.
    public var general: ConfigCategory?
    /// The variables of every `[globals]` section, in order.
    public var globals: [ConfigVariable]
    /// The contexts in the order each first appears; sections of the same name form one context.
    public var contexts: [DialplanContext]
    /// Lines Asterisk would skip, with why.
    public var warnings: [ConfigError]

    /// Reads the dialplan of one parsed file (templates applied).
    public init(_ document: ConfigDocument) throws(ConfigError) {
        self.init(categories: try document.resolvedCategories())
    }

    /// Reads the dialplan of a loaded configuration (includes followed).
    public init(_ config: LoadedConfig) {
        self.init(categories: config.categories)
    }

    /// The context called `name` (context names compare exactly, as Asterisk's do).
    public func context(_ name: String) -> DialplanContext? { contexts.first { $0.name == name } }

    private init(categories: [ConfigCategory]) {
        general = categories.first { $0.name.caseInsensitiveEquals("general") }
        globals = categories.filter { $0.name.caseInsensitiveEquals("globals") }.flatMap { $0.variables.map(\.variable) }
        contexts = []
        warnings = []
        for category in categories where !category.name.caseInsensitiveEquals("general") && !category.name.caseInsensitiveEquals("globals") {
            var context = contexts.first { $0.name == category.name } ?? DialplanContext(name: category.name)
            var reader = DialplanSectionReader(context: context)
            for entry in category.variables { reader.read(entry) }
            context = reader.context
            warnings += reader.warnings
            if let index = contexts.firstIndex(where: { $0.name == category.name }) {
                contexts[index] = context
            } else {
                contexts.append(context)
            }
        }
    }
}

/// Reads the lines of one `[context]` section; `n` and `same` continue within the section only.
struct DialplanSectionReader {
    var context: DialplanContext
    var warnings: [ConfigError] = []
    private var lastExtension = ""
    private var lastPriority: Int?

    init(context: DialplanContext) {
        self.context = context
    }

    mutating func read(_ entry: ConfigCategory.Entry) {
        let name = entry.variable.name.lowercased(), value = entry.variable.value, line = entry.line + 1
        if name.hasPrefix("same") {
            guard !lastExtension.isEmpty else {
                return warn(entry, "'same =>' needs an 'exten =>' line above it in this context")
            }
            priority(extension: lastExtension, rest: Substring(value), entry: entry, isSame: true)
        } else if name == "exten" {
            var rest = Substring(value)
            let pattern = Self.splitExtension(&rest)
            lastExtension = pattern
            priority(extension: pattern, rest: rest, entry: entry, isSame: false)
        } else if name == "include" {
            let parts = value.split(separator: ",", maxSplits: 1)
            context.includes.append(DialplanInclude(
                context: parts.first.map { ConfigParser.trim(String($0)) } ?? "", timing: parts.count > 1 ? String(parts[1]) : nil,
                file: entry.file, line: line))
        } else if name == "ignorepat" {
            context.ignorePatterns.append(value)
        } else if let kind = DialplanSwitch.Kind(rawValue: name) {
            let parts = value.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            context.switches.append(DialplanSwitch(
                kind: kind, module: String(parts.first ?? ""), data: parts.count > 1 ? String(parts[1]) : "", file: entry.file, line: line))
        } else if name == "autohints" {
            context.autohints = ConfigCategory.trueWords.contains(value.lowercased())
        } else {
            warn(entry, "unknown dialplan keyword '\(entry.variable.name)'; Asterisk ignores it")
        }
    }

    private mutating func priority(extension written: String, rest: Substring, entry: ConfigCategory.Entry, isSame: Bool) {
        var pattern = written
        var callerID: String?
        if let slash = pattern.firstIndex(of: "/") {
            callerID = String(pattern[pattern.index(after: slash)...])
            pattern = String(pattern[..<slash])
        }
        var rest = rest
        let priorityField = rest.firstIndex(of: ",").map { index -> Substring in
            defer { rest = rest[rest.index(after: index)...] }
            return rest[..<index]
        } ?? { defer { rest = "" }; return rest }()
        var text = ConfigParser.trim(String(priorityField))
        var label: String?
        if let open = text.firstIndex(of: "(") {
            guard let close = text[open...].firstIndex(of: ")") else {
                return warn(entry, "the label after '\(text[..<open])' has no closing ')'")
            }
            label = String(text[text.index(after: open)..<close])
            text = String(text[..<open])
        }
        var offset = 0
        if let plus = text.firstIndex(of: "+") {
            offset = Self.leadingInteger(text[text.index(after: plus)...]) ?? 0
            text = String(text[..<plus])
        }
        let form: DialplanPriority.Written
        var number: Int?
        switch text {
        case "hint":
            form = .hint
        case "next", "n":
            guard let last = lastPriority else { return warn(entry, "'\(text)' cannot be the first priority of a context section") }
            form = .next
            number = last + 1
        case "same", "s":
            guard let last = lastPriority else { return warn(entry, "'\(text)' cannot be the first priority of a context section") }
            form = .same
            number = last
        default:
            if let value = Self.leadingInteger(Substring(text)) {
                form = .number(value)
                number = value
                guard value >= 1 else { return warn(entry, "priority '\(text)' must be 1 or more") }
            } else if let target = context.priorities.last(where: {
                $0.label == text && $0.extensionPattern == pattern && $0.callerIDMatch == callerID
            })?.number {
                form = .label(text)
                number = target
            } else {
                return warn(entry, "'\(text)' is neither a priority nor a label of extension '\(pattern)' above")
            }
        }
        if let base = number { number = base + offset }
        // Asterisk keeps a hint's -1 as the last priority, so an 'n' right after a hint comes to 0: that
        // line is dropped and the last priority stays.
        if number == 0 { return warn(entry, "this priority comes to 0 (an 'n' right after a hint?); Asterisk drops the line") }
        lastPriority = number ?? -1
        if let value = number, value < 1 { return warn(entry, "this priority comes to \(value); Asterisk drops the line") }
        let (application, arguments) = Self.splitApplication(rest)
        context.priorities.append(DialplanPriority(
            extensionPattern: pattern, callerIDMatch: callerID, written: form, offset: offset, number: number, label: label,
            application: application, arguments: arguments, isSameLine: isSame, file: entry.file, line: entry.line + 1))
    }

    /// The extension field: up to the first `,` outside `[…]`, skipping `\`-escaped characters.
    static func splitExtension(_ rest: inout Substring) -> String {
        var depth = 0
        var index = rest.startIndex
        while index < rest.endIndex {
            let character = rest[index]
            if character == "[" {
                depth += 1
            } else if character == "]" {
                if depth > 0 { depth -= 1 }
            } else if character == "\\" {
                index = rest.index(after: index)
                if index == rest.endIndex { break }
            } else if character == ",", depth == 0 {
                let field = String(rest[..<index])
                rest = rest[rest.index(after: index)...]
                return field
            }
            index = rest.index(after: index)
        }
        defer { rest = "" }
        return String(rest)
    }

    /// `Dial(PJSIP/100,30)` → (`Dial`, `PJSIP/100,30`); without `(` (or when a `${`/`$[` comes before it,
    /// as in a hint) the whole text is the application.
    static func splitApplication(_ text: Substring) -> (String, String) {
        guard let open = text.firstIndex(of: "(") else { return (skipBlanks(text), "") }
        let name = text[..<open]
        if name.contains("${") || name.contains("$[") { return (skipBlanks(text), "") }
        let afterOpen = text[text.index(after: open)...]
        let arguments = afterOpen.lastIndex(of: ")").map { afterOpen[..<$0] } ?? afterOpen
        return (skipBlanks(name), String(arguments))
    }

    private static func skipBlanks(_ text: Substring) -> String { String(text.drop { ConfigParser.isBlank($0) }) }

    /// The integer `%d` reads at the start of `text` (after blanks), if any.
    static func leadingInteger(_ text: Substring) -> Int? {
        let trimmed = text.drop { ConfigParser.isBlank($0) }
        var digits = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }
        while !digits.isEmpty, Int(digits) == nil { digits = digits.dropLast() }
        return Int(digits)
    }

    private mutating func warn(_ entry: ConfigCategory.Entry, _ message: String) {
        warnings.append(ConfigError(.syntax, file: entry.file, line: entry.line + 1, column: 1, message))
    }
}
