import AsteriskTesting
import Foundation
import Testing

extension AstctlProcessSuites {
    @Suite("astctl console")
    struct AstctlConsoleTests {
        @Test func dashXPrintsTheOutputAndExitsWithTheCommandsSuccess() async throws {
            let server = try await FakeConsoleServer.start()
            let version = try await astctl(["console", "--socket", server.socketPath, "-x", "core show version"], url: nil)
            #expect(version.status == 0)
            #expect(version.output == "Asterisk 23.4.1 built by fake @ fakepbx on a x86_64 running Linux on 2026-11-23 04:13:10 UTC\n")
            let unknown = try await astctl(["console", "-x", "core show nonsense"], url: nil, environment: ["ASTERISK_CTL": server.socketPath])
            #expect(unknown.status == 1)
            #expect(unknown.output.hasPrefix("No such command 'core show nonsense'"))
            let json = try await astctl(["console", "--socket", server.socketPath, "-x", "core show channels", "--json"], url: nil)
            let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            #expect((object?["lines"] as? [String])?.count == 5)
            #expect(object?["known"] as? Bool == true)
            let injection = try await astctl(["console", "--socket", server.socketPath, "-x", "core show version\ncore stop now"], url: nil)
            #expect(injection.status == 64)
            #expect(!server.receivedCommands.contains { $0.contains("core stop now") })
            await server.stop()
            let gone = try await astctl(["console", "--socket", server.socketPath, "-x", "core show version"], url: nil)
            #expect(gone.status == 3)
        }

        @Test func withoutDashXItFollowsTheLog() async throws {
            let server = try await FakeConsoleServer.start()
            let process = try launchAstctl(["console", "--socket", server.socketPath, "--verbose", "2", "--count", "2", "--json"], url: nil)
            for _ in 0..<Int(1000 * TestTiming.factor) where !server.receivedCommands.contains("logger mute silent") {
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: .milliseconds(50))
            server.emitVerbose("    -- too detailed", level: 5)
            server.emitVerbose("    -- Executing [100@office:1] Answer", level: 2)
            server.emitLog(level: "NOTICE", message: "Reload complete")
            let finished = await process.finish(timeout: 60)
            #expect(finished.status == 0)
            let lines = finished.output.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(lines.count == 2)
            #expect(lines.first??["text"] as? String == "    -- Executing [100@office:1] Answer")
            #expect(lines.last??["message"] as? String == "Reload complete")
            #expect(finished.error.contains("Connected to Asterisk 23.4.1 currently running on fakepbx (pid = 4242)"))
            await server.stop()
        }
    }
}
