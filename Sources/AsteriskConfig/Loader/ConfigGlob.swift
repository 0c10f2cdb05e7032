/// File-name patterns as Asterisk expands `#include` arguments (`glob(3)` with `GLOB_BRACE` and
/// `GLOB_NOMAGIC`): `{a,b}` alternatives, `*`, `?` and `[…]` within one path component, a leading
/// `.` matched only explicitly, and a pattern without wildcards returned as it is.
enum ConfigGlob {
    /// The paths `pattern` (absolute) names: each brace alternative in turn, each one's matches sorted.
    static func expand(_ pattern: String, in fileSystem: any ConfigFileSystem) -> [String] {
        var result: [String] = []
        for alternative in braceAlternatives(pattern) {
            guard hasWildcard(alternative) else {
                result.append(alternative)
                continue
            }
            var paths = [alternative.hasPrefix("/") ? "/" : ""]
            for component in alternative.split(separator: "/") {
                var next: [String] = []
                for base in paths {
                    let joined = { (name: String) in base.isEmpty || base.hasSuffix("/") ? base + name : base + "/" + name }
                    if hasWildcard(component) {
                        let names = fileSystem.entries(ofDirectory: base.isEmpty ? "." : base) ?? []
                        next += names.filter { matches(Array($0.utf8)[...], Array(component.utf8)[...]) }.sorted().map(joined)
                    } else {
                        next.append(joined(String(component)))
                    }
                }
                paths = next
            }
            result += paths
        }
        return result
    }

    /// Whether `text` has `*`, `?` or `[`.
    static func hasWildcard<S: StringProtocol>(_ text: S) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
    }

    /// `a{b,c{d,e}}f` → `abf`, `acdf`, `acef`; unbalanced braces are taken literally.
    static func braceAlternatives(_ pattern: String) -> [String] {
        let bytes = Array(pattern.utf8)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "{")) else { return [pattern] }
        var depth = 0
        var commas: [Int] = []
        var close: Int?
        for index in open..<bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { close = index }
            case UInt8(ascii: ","): if depth == 1 { commas.append(index) }
            default: break
            }
            if close != nil { break }
        }
        guard let close else { return [pattern] }
        let prefix = bytes[..<open], suffix = bytes[(close + 1)...]
        let bounds = [open] + commas + [close]
        var result: [String] = []
        for index in 0..<(bounds.count - 1) {
            let middle = bytes[(bounds[index] + 1)..<bounds[index + 1]]
            result += braceAlternatives(String(decoding: prefix + middle + suffix, as: UTF8.self))
        }
        return result
    }

    /// `fnmatch(3)` for one path component: `*`, `?`, `[abc]`, `[a-z]`, `[!a]`, `\x`; a leading `.`
    /// must be matched by a literal `.`.
    static func matches(_ name: ArraySlice<UInt8>, _ pattern: ArraySlice<UInt8>) -> Bool {
        if name.first == UInt8(ascii: "."), pattern.first != UInt8(ascii: ".") { return false }
        var n = name.startIndex, p = pattern.startIndex
        var starP: Int?, starN = 0
        while n < name.endIndex {
            if p < pattern.endIndex {
                let symbol = pattern[p]
                if symbol == UInt8(ascii: "*") {
                    starP = p
                    starN = n
                    p += 1
                    continue
                }
                if symbol == UInt8(ascii: "?") {
                    n += 1
                    p += 1
                    continue
                }
                if symbol == UInt8(ascii: "["), let (matched, end) = matchClass(name[n], pattern, from: p) {
                    if matched {
                        n += 1
                        p = end
                        continue
                    }
                } else {
                    var literal = symbol, width = 1
                    if symbol == UInt8(ascii: "\\"), p + 1 < pattern.endIndex {
                        literal = pattern[p + 1]
                        width = 2
                    }
                    if literal == name[n] {
                        n += 1
                        p += width
                        continue
                    }
                }
            }
            guard let star = starP else { return false }
            starN += 1
            n = starN
            p = star + 1
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }

    /// Matches `byte` against the class starting at `start` (`[`); `nil` when the class is not closed
    /// (then `[` is literal), else whether it matched and where the pattern continues.
    private static func matchClass(_ byte: UInt8, _ pattern: ArraySlice<UInt8>, from start: Int) -> (Bool, Int)? {
        var index = start + 1
        var negated = false
        if index < pattern.endIndex, pattern[index] == UInt8(ascii: "!") || pattern[index] == UInt8(ascii: "^") {
            negated = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.endIndex {
            let symbol = pattern[index]
            if symbol == UInt8(ascii: "]") && !first { return (matched != negated, index + 1) }
            first = false
            if index + 2 < pattern.endIndex, pattern[index + 1] == UInt8(ascii: "-"), pattern[index + 2] != UInt8(ascii: "]") {
                if symbol <= byte && byte <= pattern[index + 2] { matched = true }
                index += 3
            } else {
                if symbol == byte { matched = true }
                index += 1
            }
        }
        return nil
    }
}
