import AsteriskAGI
import AsteriskTesting
import NIOConcurrencyHelpers
import Testing

/// Every typed AGI method produces the command line Asterisk's syntax expects and reads its reply.
@Suite("The complete AGI command set")
struct AGICommandSetTests {
    @Test func everyTypedMethodSendsTheDocumentedLine() async throws {
        let results = NIOLockedValueBox<[String]>([])
        @Sendable func note(_ text: String) { results.withLockedValue { $0.append(text) } }
        let server = FastAGIServer(configuration: .init(port: 0)) { router in
            router.route("all") { call in
                try await call.answer()
                try await call.asyncAGIBreak()
                note("status=\(try await call.channelStatus(of: "PJSIP/1"))")
                try await call.controlStreamFile("menu", escapeDigits: "#", skip: .seconds(5), forwardKey: "6")
                try await call.databaseDelete(family: "f", key: "k")
                try await call.databaseDeleteTree(family: "f", keyTree: "t")
                _ = try await call.databaseGet(family: "f", key: "k")
                try await call.databasePut(family: "f", key: "k", value: "v w")
                try await call.exec("Dial", "PJSIP/2,30")
                _ = try await call.getData("prompt", timeout: .milliseconds(2500), maxDigits: 5)
                _ = try await call.getFullVariable("${EXTEN}", channel: "PJSIP/1")
                _ = try await call.getOption("prompt", escapeDigits: "123", timeout: .seconds(4))
                _ = try await call.getVariable("FOO")
                try await call.gosub(context: "sub", extension: "s", priority: "1", arguments: ["a", "b"])
                try await call.hangup(channel: "PJSIP/9")
                try await call.noop()
                note("char=\(try await call.receiveChar(timeout: .seconds(1)).map(String.init) ?? "none")")
                note("text=\(try await call.receiveText(timeout: .seconds(1)) ?? "none")")
                let recording = try await call.recordFile("msg", format: "wav", escapeDigits: "#", timeLimit: .seconds(30), beep: true, silence: .seconds(3))
                note("record=\(recording.ending)")
                try await call.sayAlpha("abc")
                try await call.sayDate(1_795_407_204)
                try await call.sayDateTime(1_795_407_204, format: "IMp", timeZone: "UTC")
                try await call.sayDigits("123")
                try await call.sayNumber(42, gender: "f")
                try await call.sayPhonetic("xyz")
                try await call.sayTime(1_795_407_204)
                try await call.sendImage("logo")
                try await call.sendText("hello there")
                try await call.setAutoHangup(after: .seconds(60))
                try await call.setCallerID("\"Lab\" <5551234>")
                try await call.setContext("ctx")
                try await call.setExtension("100")
                try await call.setMusic(true, class: "default")
                try await call.setPriority("label")
                try await call.setVariable("FOO", "bar")
                try await call.speechCreate(engine: "lumenvox")
                try await call.speechSet("confidence", "500")
                try await call.speechLoadGrammar("yesno", path: "/g/yesno.gram")
                try await call.speechActivateGrammar("yesno")
                let speech = try await call.speechRecognize(prompt: "question", timeout: .seconds(5))
                note("speech=\(speech.matches.map(\.text))")
                try await call.speechDeactivateGrammar("yesno")
                try await call.speechUnloadGrammar("yesno")
                try await call.speechDestroy()
                try await call.streamFile("file", escapeDigits: "12", offset: 8000)
                try await call.tddMode(true)
                try await call.verbose("a message", level: 3)
                _ = try await call.waitForDigit(timeout: nil)
            }
        }
        try await server.start()
        let record = try await FakeAGICaller.call(port: server.port, script: "all", dialogue: FakeAGIDialogue(override: { line in
            if line.isCommand("channel status") { return "200 result=6" }
            if line.isCommand("receive char") { return "200 result=65" }
            if line.isCommand("receive text") { return "200 result=1 (hi)" }
            if line.isCommand("record file") { return "200 result=0 (timeout) endpos=24000" }
            if line.isCommand("speech recognize") {
                return "200 result=1 (speech) endpos=0 results=1 score0=900 text0=yes grammar0=yesno"
            }
            return "200 result=1"
        }), timeout: TestTiming.scaled(.seconds(60)))  // sixty round trips, with the whole suite starting at once
        await server.shutdown()
        #expect(record.commands.map(\.line) == [
            "ANSWER", "ASYNCAGI BREAK", "CHANNEL STATUS PJSIP/1", ##"CONTROL STREAM FILE menu "#" 5000 6"##,
            "DATABASE DEL f k", "DATABASE DELTREE f t", "DATABASE GET f k", #"DATABASE PUT f k "v w""#,
            "EXEC Dial PJSIP/2,30", "GET DATA prompt 2500 5", "GET FULL VARIABLE ${EXTEN} PJSIP/1",
            "GET OPTION prompt 123 4", "GET VARIABLE FOO", "GOSUB sub s 1 a,b", "HANGUP PJSIP/9", "NOOP",
            "RECEIVE CHAR 1000", "RECEIVE TEXT 1000", ##"RECORD FILE msg wav "#" 30000 0 BEEP s=3"##,
            #"SAY ALPHA abc """#, #"SAY DATE 1795407204 """#, #"SAY DATETIME 1795407204 "" IMp UTC"#,
            #"SAY DIGITS 123 """#, #"SAY NUMBER 42 "" f"#, #"SAY PHONETIC xyz """#, #"SAY TIME 1795407204 """#,
            "SEND IMAGE logo", #"SEND TEXT "hello there""#, "SET AUTOHANGUP 60", #"SET CALLERID "\"Lab\" <5551234>""#,
            "SET CONTEXT ctx", "SET EXTENSION 100", "SET MUSIC on default", "SET PRIORITY label", "SET VARIABLE FOO bar",
            "SPEECH CREATE lumenvox", "SPEECH SET confidence 500", "SPEECH LOAD GRAMMAR yesno /g/yesno.gram",
            "SPEECH ACTIVATE GRAMMAR yesno", "SPEECH RECOGNIZE question 5000", "SPEECH DEACTIVATE GRAMMAR yesno",
            "SPEECH UNLOAD GRAMMAR yesno", "SPEECH DESTROY", "STREAM FILE file 12 8000", "TDD MODE on",
            #"VERBOSE "a message" 3"#, "WAIT FOR DIGIT -1",
        ])
        #expect(results.withLockedValue { $0 } == ["status=up", "char=A", "text=hi", "record=timeout", #"speech=["yes"]"#])
    }
}
