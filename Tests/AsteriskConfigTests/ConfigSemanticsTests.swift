import Foundation
import Testing

@testable import AsteriskConfig

@Suite("Categories and variables mean what they mean to Asterisk")
struct ConfigSemanticsTests {
    private func resolve(_ text: String) throws(ConfigError) -> [ConfigCategory] {
        try ConfigParser(file: "t.conf").parse(text).resolvedCategories()
    }

    @Test func templatesAreCopiedAsTheyStandAtTheHeader() throws {
        let categories = try resolve("[t](!)\na = 1\n[early](t)\n[t](!)\nignored = yes\n[T](!)\nb = 2\n[late](t)\n")
        // Both inherit from the first category named "t" (case does not matter), as it stood then.
        #expect(categories.map(\.name) == ["early", "late"])
        #expect(categories[0].variables.map(\.variable.name) == ["a"])
        #expect(categories[1].variables.map(\.variable.name) == ["a"])
    }

    @Test func appendSectionsJoinTheFirstNonTemplate() throws {
        let categories = try resolve("[a]\nx = 1\n[a]\nx = 2\n[A](+)\ny = 3\n")
        #expect(categories.map { $0.variables.map(\.variable.value) } == [["1", "3"], ["2"]])
        #expect(throws: ConfigError.self) { _ = try resolve("[t](!)\n[t](+)\n") }
        #expect(throws: ConfigError.self) { _ = try resolve("[a]\n[b](+)\n") }
        #expect(throws: ConfigError.self) { _ = try resolve("[a](!, t)\n") }
    }

    @Test func plusEqualsExtendsTheLastValueAsWritten() throws {
        let category = try #require(try resolve("[t](!)\nx = a\n[c](t)\nx += b\nx +=c;comment\ny += alone\n").first)
        #expect(category["x"] == "a bc")
        #expect(category.variables.count == 2)
        #expect(category["y"] == "alone")
    }

    @Test func lookupsIgnoreCaseAndTakeTheLastValue() throws {
        let category = try #require(try resolve("[c]\nAllow = ulaw\nallow = alaw\n").first)
        #expect(category["ALLOW"] == "alaw")
        #expect(category.values(of: "allow") == ["ulaw", "alaw"])
        #expect(category.entry("allow")?.line == 2)
    }

    @Test func byteOrderMarksLongLinesAndEscapedNames() throws {
        let document = try ConfigParser(file: "t.conf").parse("\u{FEFF}[c]\n\\[x] = 1\nlong = \(String(repeating: "v", count: 9000))\nok = 2\n")
        #expect(document.categories.first?.variables.map(\.variable.name) == ["[x]", "ok"])
        #expect(document.warnings.map(\.line) == [3])
        #expect(document.text.hasPrefix("\u{FEFF}[c]"))
        #expect(throws: ConfigError.self) { _ = try ConfigParser(file: "t.conf").parse("[c]\n\\ x = 1\n") }
    }

    @Test func categoryOptionsMustFollowTheBracketDirectly() throws {
        let document = try ConfigParser(file: "t.conf").parse("[a] (!)\n")
        #expect(document.categories.first?.header == ConfigCategoryHeader(name: "a"))
    }

    /// Every sample resolves (templates and `(+)` targets defined above their use).
    @Test func everySampleResolves() throws {
        guard let directory = ConfigSamples.directory else { return }
        for name in try ConfigSamples.names() where name != "dbsep.conf" {
            let document = try ConfigParser(file: name).parse(bytes: Data(contentsOf: directory.appendingPathComponent(name)))
            do {
                _ = try document.resolvedCategories()
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}

/// Asterisk's own sample configs, when the shared reference data sits beside the checkout.
enum ConfigSamples {
    /// The samples' directory, or `nil` (with a note) when the shared data is absent.
    static var directory: URL? {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/asterisk/config-samples")
        guard FileManager.default.fileExists(atPath: url.path) else {
            print("skipped: \(url.path) is absent (the shared reference data is not beside this checkout)")
            return nil
        }
        return url
    }

    /// The `.conf` file names, sorted.
    static func names() throws -> [String] {
        guard let directory else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".conf") }.sorted()
    }
}

@Suite("Typed values")
struct ConfigTypedValueTests {
    private let category = try! ConfigParser(file: "t.conf").parse("""
        [c]
        on = Yes
        off = off
        maybe = perhaps
        port = 5038
        negative = -3
        ratio = 0.75
        timeout = 250ms
        plain = 30
        minutes = 2M
        broken = 5x
        allow = ulaw, alaw,
        allow = g722
        """).categories[0]

    @Test func booleansUseAsteriskWords() throws {
        #expect(try category.bool("on") == true)
        #expect(try category.bool("OFF") == false)
        #expect(try category.bool("absent") == nil)
        do {
            _ = try category.bool("maybe")
            Issue.record("'perhaps' read as a boolean")
        } catch {
            #expect(error.code == .invalidValue && error.line == 4)
            #expect(error.description == "t.conf:4:1: 'maybe' in [c] must be yes or no (or true/false, on/off, y/n, t/f, 1/0), not 'perhaps'")
        }
    }

    @Test func numbersDurationsAndLists() throws {
        #expect(try category.int("port", in: 1...65535) == 5038)
        #expect(try category.int("negative") == -3)
        #expect(throws: ConfigError.self) { _ = try category.int("negative", in: 0...10) }
        #expect(throws: ConfigError.self) { _ = try category.int("ratio") }
        #expect(try category.double("ratio") == 0.75)
        #expect(try category.duration("timeout") == .milliseconds(250))
        #expect(try category.duration("plain") == .seconds(30))
        #expect(try category.duration("plain", defaultUnit: .milliseconds(1)) == .milliseconds(30))
        #expect(try category.duration("minutes") == .seconds(120))
        #expect(throws: ConfigError.self) { _ = try category.duration("broken") }
        #expect(category.list("allow") == ["ulaw", "alaw", "g722"])
    }
}
