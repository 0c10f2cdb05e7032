import Foundation
import Testing

@testable import AsteriskConfig

@Suite("Lossless edits")
struct ConfigEditingTests {
    private let original = """
        ; pjsip.conf
        [transport-udp]
        type=transport   ; the only transport
        bind=0.0.0.0

        ; Alice's phone
        [alice]
          type = endpoint
          allow = ulaw
          allow = alaw ; second codec
          note = a\\;b

        ; Bob's phone
        [bob]\r
        type => endpoint\r

        """

    private func document() throws -> ConfigDocument { try ConfigParser(file: "pjsip.conf").parse(original) }

    /// Lines of `edited` that are not lines of the original, and how many original lines went missing.
    private func difference(_ edited: ConfigDocument) -> (added: [String], removed: Int) {
        // Split at "\n" scalars: a Character "\r\n" would not split.
        let before = original.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        let after = edited.text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        let diff = after.difference(from: before)
        var added: [String] = [], removed = 0
        for change in diff {
            switch change {
            case .insert(_, let line, _): added.append(line)
            case .remove: removed += 1
            }
        }
        return (added, removed)
    }

    @Test func changingAValueKeepsSpacingAndComment() throws {
        var doc = try document()
        try doc.setVariable("type", to: "transport-udp", in: "transport-udp")
        try doc.setVariable("allow", to: "g722", in: "ALICE")
        try doc.setVariable("note", to: "x;y", in: "alice")
        try doc.setVariable("type", to: "aor", in: "bob")
        let diff = difference(doc)
        #expect(diff.added == ["type=transport-udp   ; the only transport", "  allow = g722 ; second codec", "  note = x\\;y", "type => aor\r"])
        #expect(diff.removed == 4)
        #expect(doc.categories[1]["note"] == "x;y")
        #expect(doc.categories[1].values(of: "allow") == ["ulaw", "g722"])
    }

    @Test func addingAVariableCopiesTheLayout() throws {
        var doc = try document()
        try doc.setVariable("context", to: "office", in: "alice")
        try doc.addVariable("bind", value: "[::]", to: "transport-udp")
        try doc.addVariable("aors", value: "bob", to: "bob", isObject: true)
        #expect(difference(doc).added == ["bind=[::]", "  context = office", "aors => bob\r"])
        #expect(difference(doc).removed == 0)
        #expect(doc.categories[0].values(of: "bind") == ["0.0.0.0", "[::]"])
        #expect(doc.categories[2].variables.last?.variable == ConfigVariable(name: "aors", value: "bob", isObject: true))
    }

    @Test func removingVariables() throws {
        var doc = try document()
        try doc.removeVariable("allow", from: "alice", value: "ulaw")
        #expect(doc.categories[1].values(of: "allow") == ["alaw"])
        try doc.removeVariable("allow", from: "alice", all: true)
        #expect(doc.categories[1].values(of: "allow").isEmpty)
        #expect(difference(doc).removed == 2 && difference(doc).added.isEmpty)
        #expect(throws: ConfigError.self) { try doc.removeVariable("allow", from: "alice") }
    }

    @Test func addingRemovingAndRenamingCategories() throws {
        var doc = try document()
        try doc.renameCategory("alice", to: "alice-desk")
        try doc.removeCategory("transport-udp")
        try doc.addCategory("carol", templates: ["phone"])
        try doc.addVariable("type", value: "endpoint", to: "carol")
        #expect(doc.categories.map(\.name) == ["alice-desk", "bob", "carol"])
        // The comment above [alice] stays; the new category follows a blank line at the end.
        #expect(doc.text.hasPrefix("; pjsip.conf\n\n; Alice's phone\n[alice-desk]\n"))
        #expect(doc.text.hasSuffix("type => endpoint\r\n\r\n[carol](phone)\r\ntype = endpoint\r\n"))
        #expect(throws: ConfigError.self) { try doc.removeCategory("alice") }
        #expect(throws: ConfigError.self) { try doc.renameCategory("bob", to: "bo]b") }
    }

    @Test func nothingCanInjectALine() throws {
        var doc = try document()
        let before = doc
        for value in ["a\nb", "a\r\n[evil]", " padded", "x ;-- y"] {
            #expect(throws: ConfigError.self, "\(value.debugDescription)") { try doc.setVariable("type", to: value, in: "bob") }
        }
        for name in ["a=b", "[x]", "#include", "", " x", "a;b", "a\nb"] {
            #expect(throws: ConfigError.self, "\(name.debugDescription)") { try doc.addVariable(name, value: "1", to: "bob") }
        }
        #expect(throws: ConfigError.self) { try doc.addCategory("a\n[b") }
        #expect(throws: ConfigError.self) { try doc.setVariable("x", to: "1", in: "nobody") }
        #expect(throws: ConfigError.self) { try doc.setVariable("x", to: "1", in: "bob", occurrence: 1) }
        #expect(doc == before)
    }

    /// Found by the random-mutation test: a new line after one that opens a block comment would be
    /// swallowed by it; the edit is refused and nothing changes.
    @Test func editsThatABlockCommentWouldSwallowAreRefused() throws {
        var doc = try ConfigParser(file: "t.conf").parse("[a]\nx = 1 ;-- opens\n--;\n")
        let before = doc
        #expect(throws: ConfigError.self) { try doc.addVariable("y", value: "2", to: "a") }
        #expect(doc == before)
        try doc.setVariable("x", to: "3", in: "a")
        #expect(doc.text == "[a]\nx = 3 ;-- opens\n--;\n")
    }

    @Test func editsOfEverySampleTouchOnlyTheirLines() throws {
        guard let directory = ConfigSamples.directory else { return }
        for name in try ConfigSamples.names() where name != "dbsep.conf" {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            var doc = try ConfigParser(file: name).parse(bytes: data)
            guard let target = doc.categories.first(where: { !$0.header.isAppend && !$0.variables.isEmpty }) else { continue }
            let occurrence = doc.categories.filter { $0.name.caseInsensitiveEquals(target.name) && !$0.header.isAppend }
                .firstIndex(of: target) ?? 0
            let variable = target.variables.last!.variable
            try doc.setVariable(variable.name, to: "edited-value", in: target.name, occurrence: occurrence)
            let lineCount = doc.lines.count
            #expect(doc.categories.first { $0.line == target.line }?[variable.name] == "edited-value", "\(name)")
            let editedLines: [[UInt8]] = doc.data.split(separator: 10, omittingEmptySubsequences: false).map { Array($0) }
            let originalLines: [[UInt8]] = Array(data).split(separator: 10, omittingEmptySubsequences: false).map { Array($0) }
            let changed = zip(editedLines, originalLines).filter { $0.0 != $0.1 }.count
            #expect(changed == 1 && editedLines.count == originalLines.count && lineCount == doc.lines.count, "\(name)")
        }
    }
}
