import Foundation
import NIOCore
import Testing

@testable import AsteriskAGI

/// Reads every line in `text` through the line reader.
private func lines(_ text: String) throws -> [String] {
    var buffer = ByteBuffer(string: text)
    var result: [String] = []
    while let line = try AGILineReader().nextLine(from: &buffer) { result.append(line) }
    return result
}

@Suite("AGI environment")
struct AGIEnvironmentTests {
    @Test(arguments: ["agi-fastagi", "asterisk-20/agi-fastagi"])
    func fastAGIEnvironmentFromTheCapture(name: String) throws {
        let chunks = try AGITranscript.load(name)
        var parser = AGIEnvironmentParser()
        var environment: AGIEnvironment?
        for line in try lines(chunks.first { $0.direction == "in" }!.text) {
            if let done = try parser.feed(line: line) { environment = done }
        }
        let env = try #require(environment)
        #expect(env.isNetwork)
        #expect(env.script == "demo")
        #expect(env.query("x") == "1")
        #expect(env.query("y") == "two")
        #expect(env.queryItems.map(\.name) == ["x", "y"])
        #expect(env.arguments.count == 2)
        #expect(env.arguments.last == "arg two")
        #expect(env.channel?.hasPrefix("Local/fast@agi-test") == true)
        #expect(env.callerIDNumber == "5551234")
        #expect(env["agi_callerid"] == env["callerid"])
        #expect(env["network_script"] == env["agi_network_script"] && env["network_script"]?.hasPrefix("demo") == true)
        #expect(env["script"] == nil && env["gi_network_script"] == nil && env["agi_"] == nil)
        #expect(env.request?.hasPrefix("agi://127.0.0.1:4573/demo") == true)
    }

    @Test func classicEnvironmentFromStdin() throws {
        let text = try String(contentsOf: try AGITranscript.url("agi-classic-stdin", extension: "txt"), encoding: .utf8)
        var parser = AGIEnvironmentParser()
        var environment: AGIEnvironment?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let done = try parser.feed(line: String(line)) {
                environment = done
                break
            }
        }
        let env = try #require(environment)
        #expect(!env.isNetwork)
        #expect(env.script == "/var/lib/asterisk/agi-bin/env-dump.sh")
        #expect(env.arguments == ["a1", "a 2"])
        #expect(env.accountCode == "")
        #expect(!env.isEnhanced)
        #expect(env.asteriskVersion == "23.4.1")
    }

    @Test(arguments: ["agi-async", "asterisk-20/agi-async"])
    func asyncAGIEnvHeaderDecodes(name: String) throws {
        let chunks = try AGITranscript.load(name)
        let start = try #require(chunks.first { $0.text.contains("Event: AsyncAGIStart") })
        let envLine = try #require(start.text.components(separatedBy: "\r\n").first { $0.hasPrefix("Env: ") })
        let env = try AGIEnvironmentParser.parse(asyncEnv: String(envLine.dropFirst(5)))
        #expect(env.request == "async")
        #expect(env.channel?.hasPrefix("Local/async@agi-test") == true)
        #expect(env.uniqueID != nil)
    }

    @Test func malformedEnvironmentsAreTypedErrors() {
        var parser = AGIEnvironmentParser()
        #expect(throws: AGIError.self) { _ = try parser.feed(line: "GET / HTTP/1.1") }
        var empty = AGIEnvironmentParser()
        #expect(throws: AGIError.self) { _ = try empty.feed(line: "") }
        var bounded = AGIEnvironmentParser(maxEntries: 3)
        #expect(throws: AGIError.self) {
            for index in 0..<10 { _ = try bounded.feed(line: "agi_x\(index): y") }
        }
        let reader = AGILineReader(maxLineLength: 16)
        var endless = ByteBuffer(string: String(repeating: "a", count: 40))
        #expect(throws: AGIError.self) { _ = try reader.nextLine(from: &endless) }
        var long = ByteBuffer(string: String(repeating: "a", count: 40) + "\n")
        #expect(throws: AGIError.self) { _ = try reader.nextLine(from: &long) }
    }

    @Test func queryItemsArePercentDecoded() throws {
        let env = AGIEnvironment(entries: [.init(name: "agi_network_script", value: "ivr/main?lang=de&name=J%C3%BCrgen+M&flag")])
        #expect(env.script == "ivr/main")
        #expect(env.query("lang") == "de")
        #expect(env.query("name") == "Jürgen M")
        #expect(env.query("flag") == "")
    }
}

@Suite("AGI replies and commands")
struct AGIReplyTests {
    @Test func parsesResultDataAndAttributes() throws {
        let variable = try AGIReply.parse("200 result=1 (Local/fast@agi-test-00000006;2)")
        #expect(variable.result == 1)
        #expect(variable.data == "Local/fast@agi-test-00000006;2")
        let stream = try AGIReply.parse("200 result=0 endpos=11360")
        #expect(stream.endPosition == 11360)
        #expect(stream.data == nil)
        let record = try AGIReply.parse("200 result=0 (timeout) endpos=8000")
        #expect(record.data == "timeout")
        #expect(record.endPosition == 8000)
        let nested = try AGIReply.parse("200 result=1 (a (b) c) x=1")
        #expect(nested.data == "a (b) c")
        #expect(nested.attribute("x") == "1")
        let empty = try AGIReply.parse("200 result=1 ()")
        #expect(empty.data == "")
        let unset = try AGIReply.parse("200 result=0")
        #expect(unset.data == nil)
        let missing = try AGIReply.parse("200 result=-1 endpos=0")
        #expect(missing.result == -1)
        let unknown = try AGIReply.parse("510 Invalid or unknown command")
        #expect(unknown.code == 510)
        #expect(!unknown.isSuccess)
        #expect(throws: AGIError.self) { _ = try AGIReply.parse("hello") }
        #expect(throws: AGIError.self) { _ = try AGIReply.parse("") }
    }

    @Test func parsesTheEdgesOfAReplyLine() throws {
        // A ')' inside the data: the data ends at the last ')' followed only by key=value parts.
        let inner = try AGIReply.parse("200 result=1 (a) b) endpos=3")
        #expect(inner.data == "a) b")
        #expect(inner.endPosition == 3)
        let unclosed = try AGIReply.parse("200 result=1 (open")
        #expect(unclosed.data == nil)
        let utf8 = try AGIReply.parse("200 result=1 (Müller ☎) endpos=")
        #expect(utf8.data == "Müller ☎")
        #expect(utf8.attribute("endpos") == "")
        let spaced = try AGIReply.parse("200 result=1   (x)   a=1  b=2")
        #expect(spaced.data == "x")
        #expect(spaced.attributes.map(\.key) == ["a", "b"])
        let bare = try AGIReply.parse("200")
        #expect(bare.code == 200 && bare.result == nil && bare.resultText == nil)
        let word = try AGIReply.parse("200 result=abc")
        #expect(word.resultText == "abc" && word.result == nil)
        #expect(throws: AGIError.self) { _ = try AGIReply.parse("20") }
        #expect(throws: AGIError.self) { _ = try AGIReply.parse("2000 result=1") }
        #expect(throws: AGIError.self) { _ = try AGIReply.parse("２００ result=1") }
    }

    @Test func hangupNoticeAloneAndGlued() throws {
        var parser = AGIReplyParser()
        #expect(try parser.feed(line: "HANGUP") == [.hangup])
        let glued = try parser.feed(line: "HANGUP511 Command Not Permitted on a dead channel or intercept routine")
        #expect(glued.count == 2)
        #expect(glued.first == .hangup)
        guard case .reply(let reply) = glued.last else {
            Issue.record("no reply after the glued HANGUP")
            return
        }
        #expect(reply.code == 511)
    }

    @Test func usageBlockOf520() throws {
        var parser = AGIReplyParser()
        #expect(try parser.feed(line: "520-Invalid command syntax.  Proper usage follows:").isEmpty)
        #expect(try parser.feed(line: "Stream the given file, and receive DTMF data.").isEmpty)
        let done = try parser.feed(line: "520 End of proper usage.")
        guard case .reply(let reply)? = done.first else {
            Issue.record("no reply")
            return
        }
        #expect(reply.code == 520)
        #expect(reply.usage == ["Stream the given file, and receive DTMF data."])
    }

    /// Every reply Asterisk sent in the FastAGI transcripts parses, and matches the command count.
    @Test(arguments: ["agi-fastagi", "asterisk-20/agi-fastagi"])
    func everyReplyInTheTranscriptParses(name: String) throws {
        let chunks = try AGITranscript.load(name)
        var parser = AGIReplyParser()
        var replies: [AGIReply] = []
        var hangups = 0
        var commands = 0
        var environmentDone = false
        for chunk in chunks {
            switch chunk.direction {
            case "out": commands += 1
            case "in":
                for line in try lines(chunk.text) {
                    if !environmentDone {
                        if line.isEmpty { environmentDone = true }
                        continue
                    }
                    for output in try parser.feed(line: line) {
                        switch output {
                        case .hangup: hangups += 1
                        case .reply(let reply): replies.append(reply)
                        }
                    }
                }
            default: break
            }
        }
        #expect(replies.count == commands)
        #expect(hangups == 1)
        #expect(replies.contains { $0.code == 510 })
        #expect(replies.contains { $0.code == 520 && !$0.usage.isEmpty })
        #expect(replies.contains { $0.data == "hello world" })
        #expect(replies.contains { $0.result == 42 })
    }

    @Test func commandsQuoteLikeAsteriskReadsThem() throws {
        #expect(AGICommand("SET VARIABLE", "LABVAR", "hello world").description == #"SET VARIABLE LABVAR "hello world""#)
        #expect(AGICommand("STREAM FILE", "hello-world", "").description == #"STREAM FILE hello-world """#)
        #expect(AGICommand.quote(#"say "hi""#) == #""say \"hi\"""#)
        #expect(AGICommand.quote(#"C:\dir"#) == #""C:\\dir""#)
        #expect(AGICommand.quote("tab\there") == "\"tab\there\"")
        #expect(AGICommand.quote("#") == "\"#\"")
        #expect(AGICommand.quote("0123456789*") == "0123456789*")
        var buffer = ByteBuffer()
        try AGICommand("GET DATA", "beep", "6000", "3").encode(into: &buffer)
        #expect(String(buffer: buffer) == "GET DATA beep 6000 3\n")
    }

    @Test(arguments: ["x\nHANGUP", "x\r\nEXEC System rm", "nul\u{0}", "\r"])
    func injectionIsRefusedBeforeWriting(argument: String) {
        var buffer = ByteBuffer(string: "untouched")
        #expect(throws: AGIError.self) { try AGICommand("SET VARIABLE", "X", argument).encode(into: &buffer) }
        #expect(throws: AGIError.self) { try AGICommand("VERBOSE\n" + argument).encode(into: &buffer) }
        #expect(String(buffer: buffer) == "untouched")
    }
}
