import AsteriskTesting
import Foundation
import Testing

/// Runs the built `astctl` with `arguments` and returns its exit code and standard output.
private func astctl(_ arguments: [String], url: String?) throws -> (status: Int32, output: String, error: String) {
    let directory = Bundle.module.bundleURL.deletingLastPathComponent()
    let binary = directory.appendingPathComponent("astctl")
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "astctl was not built next to the tests")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["ASTERISK_AMI_URL"] = url
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let error = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
}

@Suite("astctl", .serialized)
struct AstctlTests {
    @Test func demoRunsAndExitsZero() throws {
        let result = try astctl(["demo"], url: nil)
        #expect(result.status == 0)
        #expect(result.output.contains("Ping → Pong"))
        #expect(result.output.contains("event Hangup cause 16"))
    }

    @Test func actionPrintsTheResponseAndListEvents() async throws {
        let server = try await FakeAMIServer.start()
        server.addChannel(FakeChannel(name: "PJSIP/100-00000001", uniqueID: "u.1"))
        let text = try astctl(["ami", "action", "CoreShowChannels"], url: server.url())
        #expect(text.status == 0)
        #expect(text.output.contains("EventList: start"))
        #expect(text.output.contains("Channel: PJSIP/100-00000001"))
        let json = try astctl(["ami", "action", "Setvar", "Variable=FOO", "Value=a: b", "--json"], url: server.url())
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        let response = object?["response"] as? [String: Any]
        #expect(response?["Response"] as? String == "Success")
        #expect(server.receivedActions.contains { $0["Value"] == "a: b" })
        await server.stop()
    }

    @Test func exitCodesTellErrorsApart() async throws {
        let server = try await FakeAMIServer.start()
        let refused = try astctl(["ami", "action", "DBGet", "Family=x", "Key=missing"], url: server.url())
        #expect(refused.status == 1)
        #expect(refused.output.contains("Database entry not found"))
        let badLogin = try astctl(["ami", "action", "Ping"], url: server.url(secret: "wrong"))
        #expect(badLogin.status == 3)
        #expect(!badLogin.error.contains("wrong"))
        let injection = try astctl(["ami", "action", "Setvar", "Variable=X", "Value=1\r\nAction: Command"], url: server.url())
        #expect(injection.status == 64)
        let usage = try astctl(["ami", "action", "Ping"], url: nil)
        #expect(usage.status == 64)
        await server.stop()
    }

    @Test func commandPrintsOutputLines() async throws {
        let server = try await FakeAMIServer.start()
        server.addCLICommand("core show uptime", output: ["System uptime: 1 hour", "Last reload: 5 minutes"])
        let result = try astctl(["ami", "command", "core show uptime"], url: server.url())
        #expect(result.status == 0)
        #expect(result.output == "System uptime: 1 hour\nLast reload: 5 minutes\n")
        let unknown = try astctl(["ami", "command", "no such thing"], url: server.url())
        #expect(unknown.status == 1)
        #expect(unknown.output.contains("No such command"))
        await server.stop()
    }

    @Test func eventsPrintsOneJSONObjectPerLine() async throws {
        let server = try await FakeAMIServer.start()
        let emitter = Task {
            try await server.waitForLoggedInSessions(1)
            try await Task.sleep(for: .milliseconds(100))
            server.emit(event: "Other", ["X": "0"])
            server.emit(event: "PeerStatus", ["Peer": "PJSIP/1", "PeerStatus": "Reachable"])
            server.emit(event: "PeerStatus", ["Peer": "PJSIP/2", "PeerStatus": "Unreachable"])
        }
        let result = try astctl(["ami", "events", "--name", "PeerStatus", "--json", "--count", "2"], url: server.url())
        try await emitter.value
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["Event"] as? String == "PeerStatus")
        #expect(first?["Peer"] as? String == "PJSIP/1")
        await server.stop()
    }
}
