/// Removes comments from one line the way Asterisk's loader does, carrying the nesting level of
/// `;-- … --;` block comments from line to line. Sans-IO: feed lines, read what is left.
///
/// - `;` starts a comment to the end of the line (outside a block comment);
/// - `\;` is a literal `;` (the backslash is dropped);
/// - `;--` (not `;---`) opens a block comment, `--;` closes one; blocks nest, up to 128 deep.
public struct ConfigCommentStripper: Sendable {
    /// How deep inside block comments the next line starts.
    public private(set) var level = 0
    /// The line (1-based) where the outermost open block comment began, for warnings.
    public private(set) var openedOnLine = 0
    /// The deepest nesting Asterisk accepts.
    public static let maximumLevel = 128

    /// Creates a stripper outside any comment.
    public init() {}

    /// What is left of `line` once comments are removed, and whether it had any comment text.
    public mutating func strip(_ line: Substring, lineNumber: Int) -> (content: String, hadComment: Bool) {
        var kept: [UInt8] = []
        let hadComment = Array(line.utf8).withUnsafeBufferPointer { strip($0, lineNumber: lineNumber, into: &kept) }
        return (String(decoding: kept, as: UTF8.self), hadComment)
    }

    /// Appends what is left of `line` once comments are removed to `kept`; returns whether the line
    /// had any comment text.
    mutating func strip(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into kept: inout [UInt8]) -> Bool {
        let semicolon = UInt8(ascii: ";"), dash = UInt8(ascii: "-"), backslash = UInt8(ascii: "\\")
        let count = line.count
        // The common case: outside comments, no ';' at all.
        if level == 0, !line.contains(semicolon) {
            kept.append(contentsOf: line)
            return false
        }
        var hadComment = level > 0
        var index = 0
        @inline(__always) func at(_ offset: Int) -> UInt8? { index + offset < count ? line[index + offset] : nil }
        while index < count {
            let byte = line[index]
            if level > 0 {
                if byte == dash && at(1) == dash && at(2) == semicolon {
                    level -= 1
                    index += 3
                } else if byte == semicolon && at(1) == dash && at(2) == dash && at(3) != dash {
                    if level < Self.maximumLevel { level += 1 }
                    index += 3
                } else {
                    index += 1
                }
                continue
            }
            if byte == backslash && at(1) == semicolon {
                kept.append(semicolon)
                index += 2
            } else if byte == semicolon {
                hadComment = true
                if at(1) == dash && at(2) == dash && at(3) != dash {
                    level = 1
                    openedOnLine = lineNumber
                    index += 3
                } else {
                    break
                }
            } else {
                kept.append(byte)
                index += 1
            }
        }
        return hadComment
    }
}
