import Foundation
import Testing

@testable import AsteriskConfig

@Suite("Loading a configuration with its includes")
struct ConfigLoaderTests {
    private func loader(_ files: [String: String], exec: ConfigLoader.ExecPolicy = .disabled) -> ConfigLoader {
        ConfigLoader(configDirectory: "/etc/asterisk", fileSystem: InMemoryConfigFileSystem(files), exec: exec)
    }

    @Test func includedFilesContinueTheCategoryOfTheirIncludeLine() throws {
        let config = try loader([
            "/etc/asterisk/pjsip.conf": "[global]\ntype=global\n#include \"more.conf\"\nuser_agent = pbx\n#include extra.conf\n",
            "/etc/asterisk/more.conf": "debug = no\n[transport-udp]\ntype = transport\n",
            "/etc/asterisk/extra.conf": "bind = 0.0.0.0\n",
        ]).load("pjsip.conf")
        #expect(config.files == ["/etc/asterisk/pjsip.conf", "/etc/asterisk/more.conf", "/etc/asterisk/extra.conf"])
        #expect(config.categories.map(\.name) == ["global", "transport-udp"])
        // The parent keeps its own category after the include; the next include starts where the last
        // category (Asterisk's "current" one) is.
        #expect(config.categories[0].variables.map(\.variable.name) == ["type", "debug", "user_agent"])
        #expect(config.categories[1].variables.map(\.variable.name) == ["type", "bind"])
        #expect(config.categories[0].variables[1].file == "/etc/asterisk/more.conf")
        #expect(config.inclusions.map(\.line) == [3, 5])
        #expect(config.category("GLOBAL")?["USER_AGENT"] == "pbx")
    }

    @Test func globsAndBracesExpandInSortedOrder() throws {
        let config = try loader([
            "/etc/asterisk/main.conf": "[a]\n#include <users.d/*.conf>\n#tryinclude \"{x,y}.conf\"\n",
            "/etc/asterisk/users.d/20-bob.conf": "[bob]\n",
            "/etc/asterisk/users.d/10-alice.conf": "[alice]\n",
            "/etc/asterisk/users.d/.hidden.conf": "[hidden]\n",
            "/etc/asterisk/users.d/notes.txt": "[notes]\n",
            "/etc/asterisk/y.conf": "[y]\n",
        ]).load("/etc/asterisk/main.conf")
        #expect(config.categories.map(\.name) == ["a", "alice", "bob", "y"])
        #expect(config.inclusions.map(\.files.count) == [2, 1])
        #expect(config.warnings.isEmpty)
    }

    @Test func missingIncludesFailButMissingTryIncludesWarn() throws {
        let files = ["/etc/asterisk/a.conf": "[a]\n#tryinclude nothere.conf\n#tryinclude none/*.conf\n"]
        let config = try loader(files).load("a.conf")
        #expect(config.warnings.map(\.line) == [2, 3])
        #expect(config.warnings.allSatisfy { $0.code == .unreadable })
        do {
            _ = try loader(["/etc/asterisk/a.conf": "[a]\nx=1\n#include \"gone.conf\"\n"]).load("a.conf")
            Issue.record("a missing #include was accepted")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.description.hasPrefix("/etc/asterisk/a.conf:3:1: "), "\(error)")
            #expect(error.message.contains("/etc/asterisk/gone.conf"))
        }
        #expect(throws: ConfigError.self) { _ = try loader([:]).load("absent.conf") }
    }

    @Test func includeCyclesAreReportedWithTheirChain() throws {
        let files = [
            "/etc/asterisk/a.conf": "[a]\n#include b.conf\n",
            "/etc/asterisk/b.conf": "; b\n\n#include c.conf\n",
            "/etc/asterisk/c.conf": "#include a.conf\n",
        ]
        do {
            _ = try loader(files).load("a.conf")
            Issue.record("a cycle was accepted")
        } catch {
            #expect(error.code == .includeCycle)
            #expect(error.file == "/etc/asterisk/c.conf" && error.line == 1)
            #expect(error.message.contains("/etc/asterisk/a.conf:2 → /etc/asterisk/b.conf:3 → /etc/asterisk/c.conf:1 → /etc/asterisk/a.conf"), "\(error)")
        }
        // The same file included twice, not inside itself, is no cycle.
        let twice = try loader([
            "/etc/asterisk/a.conf": "[a]\n#include common.conf\n[b]\n#include common.conf\n",
            "/etc/asterisk/common.conf": "x = 1\n",
        ]).load("a.conf")
        #expect(twice.categories.map { $0["x"] } == ["1", "1"])
        // A chain deeper than Asterisk's ten levels is refused.
        var deep: [String: String] = [:]
        for level in 0..<12 { deep["/etc/asterisk/\(level).conf"] = "[c\(level)]\n#include \(level + 1).conf\n" }
        #expect(throws: ConfigError.self) { _ = try loader(deep).load("0.conf") }
    }

    @Test func execRunsOnlyWhenEnabled() throws {
        let files = ["/etc/asterisk/a.conf": "[a]\n#exec /usr/local/bin/gen-users\nafter = 1\n"]
        let disabled = try loader(files).load("a.conf")
        #expect(disabled.warnings.first?.message.contains("#exec is disabled") == true)
        #expect(disabled.categories.map(\.name) == ["a"])
        let enabled = try loader(files, exec: .enabled { command in Array("from = \(command)\n[generated]\ny = 2\n".utf8) }).load("a.conf")
        #expect(enabled.categories.map(\.name) == ["a", "generated"])
        #expect(enabled.category("a")?["from"] == "/usr/local/bin/gen-users")
        #expect(enabled.category("a")?["after"] == "1")
        let failing = loader(files, exec: .enabled { _ in throw CancellationError() })
        #expect(throws: ConfigError.self) { _ = try failing.load("a.conf") }
    }

    @Test func variablesNeedACategorySomewhereAbove() throws {
        do {
            _ = try loader(["/etc/asterisk/a.conf": "#include b.conf\n", "/etc/asterisk/b.conf": "x = 1\n"]).load("a.conf")
            Issue.record("a variable outside any category was accepted")
        } catch {
            #expect(error.code == .outsideCategory && error.file == "/etc/asterisk/b.conf" && error.line == 1)
        }
    }

    @Test func templatesResolveAcrossFiles() throws {
        let config = try loader([
            "/etc/asterisk/pjsip.conf": "#include templates.conf\n[100](phone)\nauth = 100\n",
            "/etc/asterisk/templates.conf": "[phone](!)\ntype = endpoint\nallow = ulaw\n",
        ]).load("pjsip.conf")
        #expect(config.categories.map(\.name) == ["100"])
        #expect(config.categories[0].variables.map(\.variable.name) == ["type", "allow", "auth"])
        #expect(config.categories[0].inheritedCount == 2)
        #expect(config.allCategories.count == 2)
    }

    @Test func theLocalFileSystemWorks() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asterisk-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("conf.d"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "[main]\n#include conf.d/*.conf\n#exec generate\n".write(to: directory.appendingPathComponent("main.conf"), atomically: true, encoding: .utf8)
        try "disk = yes\n".write(to: directory.appendingPathComponent("conf.d/one.conf"), atomically: true, encoding: .utf8)
        // (`.shell` itself is tested among the process-launching astctl suites, which run one at a time.)
        let config = try ConfigLoader(exec: .enabled { _ in Array("shell = yes\n".utf8) }).load(directory.appendingPathComponent("main.conf").path)
        #expect(config.category("main")?["disk"] == "yes")
        #expect(config.category("main")?["shell"] == "yes")
        #expect(config.files.count == 3)
        let path = directory.appendingPathComponent("conf.d/one.conf").path
        var document = try ConfigParser.parse(contentsOfFile: path, variablesOutsideCategoriesAreErrors: false)
        try document.addCategory("written")
        try document.write(toFile: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "disk = yes\n\n[written]\n")
        #expect(throws: ConfigError.self) { _ = try ConfigParser.parse(contentsOfFile: path + ".absent") }
    }
}

@Suite("Glob patterns as Asterisk expands #include arguments")
struct ConfigGlobTests {
    @Test func componentsMatchLikeFnmatch() {
        let cases: [(String, String, Bool)] = [
            ("a.conf", "*.conf", true), ("a.conf", "?.conf", true), ("ab.conf", "?.conf", false),
            (".a.conf", "*.conf", false), (".a.conf", ".*", true), ("b.conf", "[a-c].conf", true),
            ("d.conf", "[!a-c].conf", true), ("a.conf", "[!a-c].conf", false), ("x[", "x[", true),
            ("*", "\\*", true), ("a", "\\*", false), ("abcabc", "*abc", true), ("", "*", true),
        ]
        for (name, pattern, expected) in cases {
            #expect(ConfigGlob.matches(Array(name.utf8)[...], Array(pattern.utf8)[...]) == expected, "\(name) ~ \(pattern)")
        }
    }

    @Test func bracesExpandInOrder() {
        #expect(ConfigGlob.braceAlternatives("/e/{a,b{1,2}}.conf") == ["/e/a.conf", "/e/b1.conf", "/e/b2.conf"])
        #expect(ConfigGlob.braceAlternatives("/e/{a.conf") == ["/e/{a.conf"])
        #expect(ConfigGlob.expand("/e/plain.conf", in: InMemoryConfigFileSystem()) == ["/e/plain.conf"])
    }
}
