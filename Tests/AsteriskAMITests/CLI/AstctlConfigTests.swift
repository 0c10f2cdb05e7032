import AsteriskConfig
import Foundation
import Testing

extension AstctlProcessSuites {
    @Suite("astctl config")
    struct AstctlConfigTests {
        /// A directory with a pjsip.conf that includes a templates file.
        private func makeFiles() throws -> URL {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("astctl-config-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try "[phone](!)\ntype = endpoint\nallow = ulaw\n".write(to: directory.appendingPathComponent("templates.conf"), atomically: true, encoding: .utf8)
            try "; phones\r\n#include templates.conf\r\n[100](phone)\r\nallow = alaw   ; second\r\ncallerid = \"Desk\" <100>\r\n"
                .write(to: directory.appendingPathComponent("pjsip.conf"), atomically: true, encoding: .utf8)
            return directory
        }

        @Test func checkReportsWarningsAndErrors() async throws {
            let directory = try makeFiles()
            defer { try? FileManager.default.removeItem(at: directory) }
            let ok = try await astctl(["config", "check", directory.appendingPathComponent("pjsip.conf").path], url: nil)
            #expect(ok.status == 0)
            #expect(ok.output.contains("1 categories, 2 file(s), 0 warning(s)"))
            try "[a]\nnoequals\n".write(to: directory.appendingPathComponent("warn.conf"), atomically: true, encoding: .utf8)
            let warned = try await astctl(["config", "check", "--strict", directory.appendingPathComponent("warn.conf").path], url: nil)
            #expect(warned.status == 2)
            #expect(warned.error.contains("warn.conf:2:1: warning: no '='"))
            let warnedJSON = try await astctl(["config", "check", "--json", directory.appendingPathComponent("warn.conf").path], url: nil)
            #expect(warnedJSON.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(warnedJSON.output.utf8)) as? [String: Any]
            #expect(object?["categories"] as? Int == 1)
            #expect((object?["warnings"] as? [[String: Any]])?.first?["line"] as? Int == 2)
            try "[a]\n#include missing.conf\n".write(to: directory.appendingPathComponent("bad.conf"), atomically: true, encoding: .utf8)
            let bad = try await astctl(["config", "check", directory.appendingPathComponent("bad.conf").path], url: nil)
            #expect(bad.status == 2)
            #expect(bad.error.contains("bad.conf:2:1: error:"))
        }

        @Test func getAppliesTemplates() async throws {
            let directory = try makeFiles()
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("pjsip.conf").path
            let type = try await astctl(["config", "get", file, "100", "type"], url: nil)
            #expect(type.status == 0 && type.output == "endpoint\n")
            let allow = try await astctl(["config", "get", file, "100", "allow", "--all", "--json"], url: nil)
            #expect(allow.output == "[\"ulaw\",\"alaw\"]\n")
            let whole = try await astctl(["config", "get", file, "100"], url: nil)
            #expect(whole.output == "type = endpoint\nallow = ulaw\nallow = alaw\ncallerid = \"Desk\" <100>\n")
            let missing = try await astctl(["config", "get", file, "100", "nothing"], url: nil)
            #expect(missing.status == 1)
        }

        @Test func setEditsOneLineInPlace() async throws {
            let directory = try makeFiles()
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("pjsip.conf")
            let set = try await astctl(["config", "set", file.path, "100", "allow", "g722"], url: nil)
            #expect(set.status == 0, "\(set.error)")
            let added = try await astctl(["config", "set", file.path, "100", "context", "office"], url: nil)
            #expect(added.status == 0)
            #expect(try String(contentsOf: file, encoding: .utf8)
                == "; phones\r\n#include templates.conf\r\n[100](phone)\r\nallow = g722   ; second\r\ncallerid = \"Desk\" <100>\r\ncontext = office\r\n")
            let refused = try await astctl(["config", "set", file.path, "nosuch", "a", "b"], url: nil)
            #expect(refused.status == 1 && refused.error.contains("no category [nosuch]"))
        }

        /// `#exec` through `/bin/sh` (here, among the suites that launch processes one at a time).
        @Test func execRunsThroughTheShellWhenEnabled() throws {
            let directory = try makeFiles()
            defer { try? FileManager.default.removeItem(at: directory) }
            try "[main]\n#exec echo 'shell = yes'\\; echo 'second = 2'\n".write(to: directory.appendingPathComponent("exec.conf"), atomically: true, encoding: .utf8)
            let config = try ConfigLoader(exec: .shell).load(directory.appendingPathComponent("exec.conf").path)
            #expect(config.category("main")?["shell"] == "yes" && config.category("main")?["second"] == "2")
            let disabled = try ConfigLoader().load(directory.appendingPathComponent("exec.conf").path)
            #expect(disabled.category("main")?["shell"] == nil && disabled.warnings.count == 1)
        }

        @Test func dumpAndRewrite() async throws {
            let directory = try makeFiles()
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("pjsip.conf").path
            let dump = try await astctl(["config", "dump", file, "--json"], url: nil)
            #expect(dump.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(dump.output.utf8)) as? [String: Any]
            let categories = object?["categories"] as? [[String: Any]]
            #expect(categories?.map { $0["name"] as? String } == ["100"])
            let variables = categories?.first?["variables"] as? [[String: Any]]
            #expect(variables?.map { $0["inherited"] as? Bool } == [true, true, false, false])
            #expect((variables?.first?["file"] as? String)?.hasSuffix("templates.conf") == true)
            let rewrite = try await astctl(["config", "rewrite", file], url: nil)
            #expect(rewrite.status == 0)
            #expect(Data(rewrite.output.utf8) == (try Data(contentsOf: URL(fileURLWithPath: file))))
        }
    }
}
