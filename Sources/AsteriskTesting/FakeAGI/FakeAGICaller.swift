import AsteriskAGI
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What happened during one fake call.
public struct FakeAGICallRecord: Sendable {
    /// Every command line the server sent, in order.
    public var commands: [AGICommandLine] = []
    /// Every line the fake Asterisk sent back after the environment, in order.
    public var replies: [String] = []
    /// Whether the fake hung up during the call.
    public var hungUp = false
    /// The variables as they were when the call ended (including `SET VARIABLE`s).
    public var variables: [String: String] = [:]
}

/// Plays Asterisk against a FastAGI server: connects, sends an environment, answers commands from a
/// ``FakeAGIDialogue`` the way Asterisk 23 does, and records the dialogue until the server closes.
public enum FakeAGICaller {
    /// Places one call to `host:port` for `script` (which may carry a query, `ivr?lang=de`);
    /// `rawEnvironment` replaces the generated environment block byte for byte (for replaying captures).
    public static func call(
        host: String = "127.0.0.1", port: Int, script: String, arguments: [String] = [],
        environment extra: [String: String] = [:], rawEnvironment: String? = nil,
        dialogue: FakeAGIDialogue = FakeAGIDialogue(), timeout: Duration = TestTiming.scaled(.seconds(10))
    ) async throws -> FakeAGICallRecord {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let environment = rawEnvironment ?? environmentBlock(
            request: "agi://\(host):\(port)/\(script)", networkScript: script, arguments: arguments, extra: extra)
        return try await converse(over: channel, environment: environment, dialogue: dialogue, timeout: timeout)
    }

    /// Plays Asterisk against a classic AGI program through pipes: writes the environment and the
    /// replies to `toScript`, reads its commands from `fromScript`, until the program closes its output.
    public static func drive(
        toScript: CInt, fromScript: CInt, script: String = "/var/lib/asterisk/agi-bin/app", arguments: [String] = [],
        environment extra: [String: String] = [:], dialogue: FakeAGIDialogue = FakeAGIDialogue(),
        timeout: Duration = TestTiming.scaled(.seconds(10))
    ) async throws -> FakeAGICallRecord {
        let channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .takingOwnershipOfDescriptors(input: fromScript, output: toScript) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let environment = environmentBlock(request: script, networkScript: nil, arguments: arguments, extra: extra)
        return try await converse(over: channel, environment: environment, dialogue: dialogue, timeout: timeout)
    }

    /// Sends the environment, then answers each command line until the other side closes.
    static func converse(
        over channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, environment: String, dialogue: FakeAGIDialogue,
        timeout: Duration
    ) async throws -> FakeAGICallRecord {
        try await withThrowingTaskGroup(of: FakeAGICallRecord.self) { group in
            group.addTask {
                var conversation = FakeAGIConversation(dialogue: dialogue)
                return try await channel.executeThenClose { inbound, outbound in
                    // A server that refuses the call closes at once; what was recorded so far is the outcome.
                    do {
                        try await outbound.write(ByteBuffer(string: environment))
                        var buffer = ByteBuffer()
                        let reader = AGILineReader()
                        for try await var chunk in inbound {
                            buffer.writeBuffer(&chunk)
                            while let line = try reader.nextLine(from: &buffer) {
                                try await outbound.write(ByteBuffer(string: conversation.answer(line)))
                            }
                        }
                    } catch let error as ChannelError where error == .ioOnClosedChannel || error == .outputClosed {
                        return conversation.record
                    } catch let error as IOError where error.errnoCode == ECONNRESET || error.errnoCode == EPIPE {
                        return conversation.record
                    }
                    return conversation.record
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw AGIError(.timeout, "the AGI program did not end the call within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// The environment block Asterisk 23 sends (FastAGI when `networkScript` is given, classic otherwise).
    static func environmentBlock(request: String, networkScript: String?, arguments: [String], extra: [String: String]) -> String {
        var entries: [(String, String)] = networkScript.map { [("agi_network", "yes"), ("agi_network_script", $0)] } ?? []
        entries += [
            ("agi_request", request), ("agi_channel", "PJSIP/100-00000001"), ("agi_language", "en"), ("agi_type", "PJSIP"),
            ("agi_uniqueid", "1795407300.13"), ("agi_version", "23.4.1"), ("agi_callerid", "5551234"),
            ("agi_calleridname", "Lab"), ("agi_callingpres", "0"), ("agi_callingani2", "0"), ("agi_callington", "0"),
            ("agi_callingtns", "0"), ("agi_dnid", "100"), ("agi_rdnis", "unknown"), ("agi_context", "default"),
            ("agi_extension", "100"), ("agi_priority", "1"), ("agi_enhanced", "0.0"), ("agi_accountcode", ""),
            ("agi_threadid", "140619292444352"),
        ]
        for (name, value) in extra {
            let key = name.hasPrefix("agi_") ? name : "agi_" + name
            if let index = entries.firstIndex(where: { $0.0 == key }) { entries[index].1 = value } else { entries.append((key, value)) }
        }
        for (index, argument) in arguments.enumerated() { entries.append(("agi_arg_\(index + 1)", argument)) }
        return entries.map { "\($0.0): \($0.1)\n" }.joined() + "\n"
    }
}

/// The fake Asterisk's side of one call.
struct FakeAGIConversation {
    var dialogue: FakeAGIDialogue
    var record = FakeAGICallRecord()
    private var answered = 0
    private var hangupAnnounced = false
    private var silent = false

    init(dialogue: FakeAGIDialogue) {
        self.dialogue = dialogue
        record.variables = dialogue.variables
    }

    /// Commands Asterisk still runs on a dead channel.
    private static let deadChannelCommands = [
        "get variable", "get full variable", "set variable", "noop", "verbose", "database get", "database put",
        "database del", "database deltree", "hangup", "asyncagi break",
    ]

    /// The text to send back for one command line (the reply and, when due, a `HANGUP` notice first).
    mutating func answer(_ line: String) -> String {
        let command = AGICommandLine(line)
        record.commands.append(command)
        if let from = dialogue.silentFrom, command.isCommand(from) { silent = true }
        if silent { return "" }
        if let at = dialogue.hangUpAt, command.isCommand(at) { record.hungUp = true }
        var text = ""
        if record.hungUp && !hangupAnnounced {
            hangupAnnounced = true
            text += "HANGUP\n"
        }
        let reply: String
        if let custom = dialogue.override?(command) {
            reply = custom
        } else if record.hungUp && !Self.deadChannelCommands.contains(where: command.isCommand) {
            reply = "511 Command Not Permitted on a dead channel or intercept routine"
        } else {
            reply = builtin(command)
        }
        record.replies.append(reply)
        text += reply + "\n"
        answered += 1
        if let after = dialogue.hangUpAfter, answered >= after, !record.hungUp {
            record.hungUp = true
        }
        return text
    }

    private mutating func builtin(_ command: AGICommandLine) -> String {
        func argument(_ index: Int, _ words: Int) -> String { command.argument(index, after: words) ?? "" }
        switch true {
        case command.isCommand("answer"): return "200 result=0"
        case command.isCommand("hangup"):
            record.hungUp = true
            hangupAnnounced = true
            return "200 result=1"
        case command.isCommand("channel status"): return "200 result=\(record.hungUp ? 0 : 6)"
        case command.isCommand("get data"):
            if command.words.count < 3 { return Self.usage }
            let digits = dialogue.digitEntries.isEmpty ? "" : dialogue.digitEntries.removeFirst()
            return digits.isEmpty ? "200 result= (timeout)" : "200 result=\(digits)"
        case command.isCommand("wait for digit"), command.isCommand("get option"):
            let key = dialogue.keys.isEmpty ? nil : dialogue.keys.removeFirst()
            return "200 result=\(key.map { Int($0.asciiValue ?? 0) } ?? 0)" + (command.isCommand("get option") ? " endpos=8000" : "")
        case command.isCommand("stream file"), command.isCommand("control stream file"):
            let words = command.isCommand("stream file") ? 2 : 3
            return dialogue.missingFiles.contains(argument(0, words)) ? "200 result=-1 endpos=0" : "200 result=0 endpos=8000"
        case command.isCommand("get variable"):
            return record.variables[argument(0, 2)].map { "200 result=1 (\($0))" } ?? "200 result=0"
        case command.isCommand("get full variable"):
            return "200 result=1 (\(expand(argument(0, 3))))"
        case command.isCommand("set variable"):
            record.variables[argument(0, 2)] = argument(1, 2)
            return "200 result=1"
        case command.isCommand("exec"):
            return dialogue.missingApplications.contains(argument(0, 1)) ? "200 result=-2" : "200 result=0"
        case command.isCommand("database get"):
            return record.variables["DB/\(argument(0, 2))/\(argument(1, 2))"].map { "200 result=1 (\($0))" } ?? "200 result=0"
        case command.isCommand("database put"):
            record.variables["DB/\(argument(0, 2))/\(argument(1, 2))"] = argument(2, 2)
            return "200 result=1"
        case command.isCommand("database del"):
            let removed = record.variables.removeValue(forKey: "DB/\(argument(0, 2))/\(argument(1, 2))")
            return "200 result=\(removed == nil ? 0 : 1)"
        case command.isCommand("record file"): return "200 result=0 (timeout) endpos=16000"
        case command.isCommand("noop"), command.isCommand("asyncagi break"): return "200 result=0"
        case command.isCommand("say"): return "200 result=0"
        case command.isCommand("verbose"), command.isCommand("set"), command.isCommand("database deltree"),
            command.isCommand("gosub"), command.isCommand("send text"), command.isCommand("tdd mode"):
            return "200 result=1"
        default:
            return "510 Invalid or unknown command"
        }
    }

    private static let usage = "520-Invalid command syntax.  Proper usage follows:\nUsage: GET DATA <file to be streamed> [timeout] [max digits]\n520 End of proper usage."

    /// Replaces `${NAME}` with variables (enough for tests of GET FULL VARIABLE).
    private func expand(_ expression: String) -> String {
        var result = ""
        var rest = Substring(expression)
        while let start = rest.firstIndex(of: "$"), rest[start...].hasPrefix("${"), let end = rest[start...].firstIndex(of: "}") {
            result += rest[..<start]
            let name = String(rest[rest.index(start, offsetBy: 2)..<end])
            result += record.variables[name] ?? ""
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}
