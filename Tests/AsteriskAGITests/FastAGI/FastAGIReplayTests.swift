import AsteriskAGI
import AsteriskTesting
import NIOConcurrencyHelpers
import Testing

/// Replays a recorded FastAGI call: the fake sends Asterisk's exact environment and recorded replies,
/// and the server's typed calls must produce the recorded command lines byte for byte.
@Suite("FastAGI transcript replay")
struct FastAGIReplayTests {
    @Test(arguments: ["agi-fastagi", "asterisk-20/agi-fastagi"])
    func typedCallsReproduceTheRecordedDialogue(name: String) async throws {
        let chunks = try AGITranscript.load(name)
        let environment = chunks.first { $0.direction == "in" }!.text
        // Pair each command with everything Asterisk sent before the next command.
        var commands: [String] = []
        var replies: [String] = []
        for chunk in chunks.dropFirst(1) {
            switch chunk.direction {
            case "out":
                commands.append(String(chunk.text.dropLast()))
                replies.append("")
            case "in" where !replies.isEmpty:
                replies[replies.count - 1] += chunk.text
            default: break
            }
        }
        let answers = replies.map { String($0.dropLast()) }
        let counter = NIOLockedValueBox(0)
        let results = NIOLockedValueBox<[String]>([])
        @Sendable func note(_ text: String) { results.withLockedValue { $0.append(text) } }

        let server = FastAGIServer(configuration: .init(port: 0)) { router in
            router.route("demo") { call in
                note("query x=\(call.environment.query("x") ?? "") y=\(call.environment.query("y") ?? "")")
                try await call.answer()
                note("status=\(try await call.channelStatus())")
                note("digits=\(try await call.getData("beep", timeout: .seconds(6), maxDigits: 3).digits)")
                note("channel=\(try await call.getVariable("CHANNEL") ?? "nil")")
                note("unset=\(try await call.getVariable("NO_SUCH_VAR_X") ?? "nil")")
                try await call.setVariable("LABVAR", "hello world")
                note("labvar=\(try await call.getVariable("LABVAR") ?? "nil")")
                note("full=\(try await call.getFullVariable("${CALLERID(num)}-${LABVAR}") ?? "nil")")
                note("endpos=\(try await call.streamFile("hello-world", escapeDigits: "#").endPosition ?? -1)")
                do { try await call.streamFile("no-such-file") } catch let error as AGIError { note("missing=\(error.code)") }
                try await call.sayNumber(42)
                try await call.sayDigits("123")
                note("exec=\(try await call.exec("Playback", "beep"))")
                do { try await call.exec("NoSuchApp", "foo") } catch let error as AGIError { note("noapp=\(error.code)") }
                try await call.databasePut(family: "lab", key: "k1", value: "v1")
                note("db=\(try await call.databaseGet(family: "lab", key: "k1") ?? "nil")")
                note("dbmissing=\(try await call.databaseGet(family: "lab", key: "missing") ?? "nil")")
                try await call.databaseDelete(family: "lab", key: "k1")
                try await call.verbose("fastagi says hi", level: 1)
                try await call.noop()
                note("key=\(try await call.waitForDigit(timeout: .milliseconds(100)))")
                note("unknown=\(try await call.send(AGICommand("THIS IS NOT A COMMAND")).code)")
                let usage = try await call.send(AGICommand("GET DATA"))
                note("usage=\(usage.code) lines=\(usage.usage.count)")
                _ = try await call.send(AGICommand(#"SET CALLERID "Lab Name" <5550001>"#))
                try await call.hangup()
                try await call.noop()
                note("hungUp=\(call.isHungUp)")
                note("after=\(try await call.getVariable("CHANNEL") ?? "nil")")
            }
        }
        try await server.start()
        let record = try await FakeAGICaller.call(
            port: server.port, script: "demo?x=1&y=two", rawEnvironment: environment,
            dialogue: FakeAGIDialogue(override: { _ in
                counter.withLockedValue { index in
                    defer { index += 1 }
                    return index < answers.count ? answers[index] : "510 Invalid or unknown command"
                }
            }), timeout: TestTiming.scaled(.seconds(60)))  // a whole recorded dialogue, with the suite starting at once
        await server.shutdown()
        #expect(record.commands.map(\.line) == commands)
        let notes = results.withLockedValue { $0 }
        #expect(notes.contains("query x=1 y=two"))
        #expect(notes.contains("status=up"))
        #expect(notes.contains("digits=42"))
        #expect(notes.contains("unset=nil"))
        #expect(notes.contains("labvar=hello world"))
        #expect(notes.contains("full=5551234-hello world"))
        #expect(notes.contains("endpos=11360"))
        #expect(notes.contains("missing=commandFailed"))
        #expect(notes.contains("noapp=commandFailed"))
        #expect(notes.contains("db=v1"))
        #expect(notes.contains("dbmissing=nil"))
        #expect(notes.contains("key=none"))
        #expect(notes.contains("unknown=510"))
        #expect(notes.contains { $0.hasPrefix("usage=520 lines=") && !$0.hasSuffix("lines=0") })
        #expect(notes.contains("hungUp=true"))
        #expect(notes.last?.hasPrefix("after=Local/fast@agi-test") == true)
    }
}
