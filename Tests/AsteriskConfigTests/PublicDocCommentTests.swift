import Foundation
import Testing

/// The house rule "every public type and function has a doc comment", checked over the package's
/// own sources (found relative to this file, so it runs in any clone).
@Suite("Public API documentation")
struct PublicDocCommentTests {
    /// A `public`/`open` declaration, after any attributes and modifiers.
    private static let declaration = try! NSRegularExpression(pattern: #"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public|open)\s+(?:(?:static|final|override|nonisolated|mutating|indirect|convenience|required)\s+)*(?:func|var|let|init|struct|enum|class|actor|protocol|typealias|subscript|case)\b"#)

    @Test func everyPublicDeclarationHasADocComment() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)).compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 100)
        var undocumented: [String] = []
        var checked = 0
        for file in files {
            let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
            for (index, line) in lines.enumerated() {
                let range = NSRange(line.startIndex..., in: line)
                guard Self.declaration.firstMatch(in: line, range: range) != nil else { continue }
                checked += 1
                var previous = index - 1
                while previous >= 0, lines[previous].trimmingCharacters(in: .whitespaces).hasPrefix("@") { previous -= 1 }
                let comment = previous >= 0 ? lines[previous].trimmingCharacters(in: .whitespaces) : ""
                if !comment.hasPrefix("///") && !comment.hasSuffix("*/") {
                    undocumented.append("\(file.lastPathComponent):\(index + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(checked > 1000)
        #expect(undocumented.isEmpty, "public declarations without a doc comment:\n\(undocumented.joined(separator: "\n"))")
    }
}
