import AsteriskTesting
import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import AsteriskConsole

/// The remote console against the fake control socket, over a real UNIX socket.
@Suite("AsteriskConsole over a UNIX socket", .timeLimit(.minutes(2)))
struct AsteriskConsoleTests {
    @Test func commandsReturnTheirOutputLines() async throws {
        let server = try await FakeConsoleServer.start()
        let console = try await AsteriskConsole.connect(socketPath: server.socketPath)
        #expect(console.greeting == ConsoleGreeting(hostname: "fakepbx", pid: 4242, version: "23.4.1"))
        let version = try await console.run("core show version")
        #expect(version.lines == ["Asterisk 23.4.1 built by fake @ fakepbx on a x86_64 running Linux on 2026-11-23 04:13:10 UTC"])
        #expect(version.commandWasKnown)
        let channels = try await console.run("core show channels")
        #expect(channels.lines.count == 5)
        #expect(channels.lines.last == "7 calls processed")
        let unknown = try await console.run("core show nonsense")
        #expect(!unknown.commandWasKnown)
        #expect(unknown.lines.first?.hasPrefix("No such command 'core show nonsense'") == true)
        // Each command went out with the end marker after it, on its own connection.
        let received = server.receivedCommands
        #expect(received.filter { $0.hasPrefix("swift-asterisk-end-") }.count == 3)
        #expect(received.contains("core show channels"))
        await server.stop()
    }

    @Test func concurrentCommandsNeverMixTheirOutput() async throws {
        let server = try await FakeConsoleServer.start()
        for index in 0..<20 { server.setCommand("test show \(index)", output: (0..<index + 1).map { "line \($0) of \(index)" }) }
        let console = try await AsteriskConsole.connect(socketPath: server.socketPath)
        let outputs = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for index in 0..<20 { group.addTask { (index, try await console.run("test show \(index)").lines) } }
            return try await group.reduce(into: [Int: [String]]()) { $0[$1.0] = $1.1 }
        }
        for index in 0..<20 { #expect(outputs[index] == (0..<index + 1).map { "line \($0) of \(index)" }) }
        await server.stop()
    }

    @Test func aServerThatGoesAwayMidCommandOrHangsGivesTypedErrors() async throws {
        let server = try await FakeConsoleServer.start()
        server.stall(on: "core restart gracefully", closeConnection: true)
        server.stall(on: "database show")
        let console = try await AsteriskConsole.connect(socketPath: server.socketPath)
        await #expect(throws: ConsoleError.self) { _ = try await console.run("core restart gracefully") }
        do {
            _ = try await console.run("core restart gracefully")
        } catch {
            #expect(error.code == .connectionLost)
        }
        do {
            _ = try await console.run("database show", timeout: .milliseconds(300))
            Issue.record("a stuck command returned")
        } catch {
            #expect(error.code == .timeout)
        }
        await server.stop()
        do {
            _ = try await console.run("core show version")
            Issue.record("a command ran with Asterisk gone")
        } catch {
            #expect(error.code == .connectionFailed)
        }
        await #expect(throws: ConsoleError.self) { _ = try await AsteriskConsole.connect(socketPath: server.socketPath) }
    }

    @Test func commandsThatWouldSmuggleAnotherAreRefusedBeforeWriting() async throws {
        let server = try await FakeConsoleServer.start()
        let console = try await AsteriskConsole.connect(socketPath: server.socketPath)
        for bad in ["core show version\ncore stop now", "core show version\u{0}core stop now", "x\r", ""] {
            do {
                _ = try await console.run(bad)
                Issue.record("\(bad.debugDescription) was sent")
            } catch {
                #expect(error.code == .invalidCommand)
            }
        }
        #expect(!server.receivedCommands.contains { $0.contains("core stop now") })
        await server.stop()
    }

    @Test func theLogStreamsVerboseAndLogLinesUpToItsVerbosity() async throws {
        let server = try await FakeConsoleServer.start()
        let console = try await AsteriskConsole.connect(socketPath: server.socketPath)
        var log = console.log(verbosity: 2).makeAsyncIterator()
        for _ in 0..<Int(400 * TestTiming.factor) where !server.receivedCommands.contains("logger mute silent") { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(20))
        server.emitVerbose("    -- level one", level: 1)
        server.emitVerbose("    -- level three (filtered)", level: 3)
        server.emitLog(level: "WARNING", message: "Unable to find peer", file: "chan_pjsip.c", line: 77, function: "request", callID: "C-00000009")
        guard case .line(.verbose(let level, let text))? = await log.next() else {
            Issue.record("expected the verbose line")
            return
        }
        #expect(level == 1 && text == "    -- level one")
        guard case .line(.log(let warning))? = await log.next() else {
            Issue.record("expected the log line")
            return
        }
        #expect(warning == ConsoleLogLine(
            timestamp: "Nov 23 04:13:10", level: "WARNING", thread: 4242, callID: "C-00000009", file: "chan_pjsip.c", line: 77,
            function: "request", message: "Unable to find peer"))
        #expect(server.receivedCommands.contains("core set verbose atleast 2 silent"))
        await server.stop()
    }

    @Test func aRestartIsReportedAndALogFloodStaysBounded() async throws {
        let server = try await FakeConsoleServer.start()
        let console = try await AsteriskConsole.connect(socketPath: server.socketPath)
        let stream = console.log(verbosity: 3, bufferLines: 100, retryInterval: .milliseconds(50))
        var log = stream.makeAsyncIterator()
        for _ in 0..<Int(400 * TestTiming.factor) where !server.receivedCommands.contains("logger mute silent") { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(20))
        // 10,000 lines to a reader that is not reading: only the newest are kept (100 at a time).
        server.floodVerbose(count: 10_000)
        server.emitVerbose("END", level: 1)
        try await Task.sleep(for: TestTiming.scaled(.seconds(1)))
        var kept = 0
        var last = ""
        while let element = await log.next() {
            guard case .line(.verbose(_, let text)) = element else { continue }
            if text == "END" { break }
            kept += 1
            last = text
            try await Task.sleep(for: .milliseconds(1))  // a slow reader
        }
        #expect(kept > 0 && kept < 10_000, "kept \(kept) of 10,000 lines")
        #expect(last == "    -- flood line 9999")
        await server.stop()
        try await server.restart()
        var sawReconnect = false
        while let element = await log.next() {
            if case .reconnected(let greeting) = element {
                #expect(greeting.version == "23.4.1")
                sawReconnect = true
                break
            }
        }
        #expect(sawReconnect)
        await server.stop()
    }
}
