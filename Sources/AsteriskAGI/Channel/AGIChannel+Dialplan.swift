/// Variables, dialplan control, the Asterisk database, logging, AsyncAGI and speech recognition.
extension AGIChannel {
    /// `CHANNEL STATUS`: the state of this channel or another one.
    public func channelStatus(of channel: String? = nil) async throws -> ChannelStatus {
        let reply = try await runChecked("CHANNEL STATUS", channel.map { [$0] } ?? [])
        guard let status = reply.result.flatMap(ChannelStatus.init(rawValue:)) else {
            throw AGIError(.malformedReply, "unknown channel status", command: "CHANNEL STATUS", replyLine: reply.line)
        }
        return status
    }

    /// `GET VARIABLE`: the variable's value; nil when it is not set, `""` when it is set but empty.
    public func getVariable(_ name: String) async throws -> String? {
        let reply = try await run("GET VARIABLE", [name])
        return reply.result == 1 ? (reply.data ?? "") : nil
    }

    /// `GET FULL VARIABLE`: evaluates an expression such as `${CALLERID(num)}`; nil when it cannot.
    public func getFullVariable(_ expression: String, channel: String? = nil) async throws -> String? {
        let reply = try await run("GET FULL VARIABLE", [expression] + (channel.map { [$0] } ?? []))
        return reply.result == 1 ? (reply.data ?? "") : nil
    }

    /// `SET VARIABLE`: sets a channel variable (or a function such as `CALLERID(name)`).
    public func setVariable(_ name: String, _ value: String) async throws {
        try await runChecked("SET VARIABLE", [name, value])
    }

    /// `EXEC`: runs a dialplan application and returns its result (`-2` means no such application).
    @discardableResult
    public func exec(_ application: String, _ options: String = "") async throws -> Int {
        let reply = try await run("EXEC", options.isEmpty ? [application] : [application, options])
        if reply.result == -2 {
            throw AGIError(.commandFailed, "no application named \(application)", command: "EXEC", replyLine: reply.line)
        }
        if reply.result == -1 && isHungUp {
            throw AGIError(.hangup, "the call hung up during \(application)", command: "EXEC", replyLine: reply.line)
        }
        return reply.result ?? 0
    }

    /// `GOSUB`: runs a dialplan subroutine and returns when it does.
    public func gosub(context: String, extension exten: String, priority: String, arguments: [String] = []) async throws {
        try await runChecked(
            "GOSUB", [context, exten, priority] + (arguments.isEmpty ? [] : [arguments.joined(separator: ",")]))
    }

    /// `SET CONTEXT`: where the call goes after the AGI session.
    public func setContext(_ context: String) async throws {
        try await runChecked("SET CONTEXT", [context])
    }

    /// `SET EXTENSION`: where the call goes after the AGI session.
    public func setExtension(_ exten: String) async throws {
        try await runChecked("SET EXTENSION", [exten])
    }

    /// `SET PRIORITY`: a number or a label.
    public func setPriority(_ priority: String) async throws {
        try await runChecked("SET PRIORITY", [priority])
    }

    /// `SET CALLERID`: for example `"Lab Name" <5550001>`.
    public func setCallerID(_ callerID: String) async throws {
        try await runChecked("SET CALLERID", [callerID])
    }

    /// `SET AUTOHANGUP`: hangs the call up after `time`; `.zero` cancels.
    public func setAutoHangup(after time: Duration) async throws {
        try await runChecked("SET AUTOHANGUP", [time.agiSeconds])
    }

    /// `VERBOSE`: logs a message on the Asterisk console at a verbosity level (1–4).
    public func verbose(_ message: String, level: Int = 1) async throws {
        try await runChecked("VERBOSE", [message, String(level)])
    }

    /// `NOOP`: does nothing; a cheap round trip.
    public func noop() async throws {
        try await run("NOOP")
    }

    /// `DATABASE GET`: nil when the key does not exist.
    public func databaseGet(family: String, key: String) async throws -> String? {
        let reply = try await run("DATABASE GET", [family, key])
        return reply.result == 1 ? (reply.data ?? "") : nil
    }

    /// `DATABASE PUT`.
    public func databasePut(family: String, key: String, value: String) async throws {
        try await requireOne("DATABASE PUT", [family, key, value])
    }

    /// `DATABASE DEL`: deletes one key.
    public func databaseDelete(family: String, key: String) async throws {
        try await requireOne("DATABASE DEL", [family, key])
    }

    /// `DATABASE DELTREE`: deletes a family, or a key tree within it.
    public func databaseDeleteTree(family: String, keyTree: String? = nil) async throws {
        try await requireOne("DATABASE DELTREE", [family] + (keyTree.map { [$0] } ?? []))
    }

    private func requireOne(_ name: String, _ arguments: [String]) async throws {
        let reply = try await run(name, arguments)
        if reply.result != 1 {
            throw AGIError(.commandFailed, "\(name) was refused", command: name, replyLine: reply.line)
        }
    }

    /// `ASYNCAGI BREAK`: ends an AsyncAGI session; the call continues in the dialplan.
    public func asyncAGIBreak() async throws {
        try await run("ASYNCAGI BREAK")
    }

    /// `SPEECH CREATE`: creates a speech object with an engine.
    public func speechCreate(engine: String) async throws {
        try await requireOne("SPEECH CREATE", [engine])
    }

    /// `SPEECH SET`: sets an engine setting.
    public func speechSet(_ name: String, _ value: String) async throws {
        try await requireOne("SPEECH SET", [name, value])
    }

    /// `SPEECH DESTROY`.
    public func speechDestroy() async throws {
        try await requireOne("SPEECH DESTROY", [])
    }

    /// `SPEECH LOAD GRAMMAR`.
    public func speechLoadGrammar(_ name: String, path: String) async throws {
        try await requireOne("SPEECH LOAD GRAMMAR", [name, path])
    }

    /// `SPEECH UNLOAD GRAMMAR`.
    public func speechUnloadGrammar(_ name: String) async throws {
        try await requireOne("SPEECH UNLOAD GRAMMAR", [name])
    }

    /// `SPEECH ACTIVATE GRAMMAR`.
    public func speechActivateGrammar(_ name: String) async throws {
        try await requireOne("SPEECH ACTIVATE GRAMMAR", [name])
    }

    /// `SPEECH DEACTIVATE GRAMMAR`.
    public func speechDeactivateGrammar(_ name: String) async throws {
        try await requireOne("SPEECH DEACTIVATE GRAMMAR", [name])
    }

    /// `SPEECH RECOGNIZE`: plays a prompt and listens; returns the recognised utterances.
    public func speechRecognize(prompt: String, timeout: Duration, offset: Int? = nil) async throws -> AGISpeechResult {
        let reply = try await runChecked(
            "SPEECH RECOGNIZE", [prompt, timeout.agiMilliseconds] + (offset.map { [String($0)] } ?? []))
        let count = reply.attribute("results").flatMap { Int($0) } ?? 0
        let matches = (0..<count).map { index in
            AGISpeechResult.Match(
                text: reply.attribute("text\(index)") ?? "", score: reply.attribute("score\(index)").flatMap { Int($0) } ?? 0,
                grammar: reply.attribute("grammar\(index)") ?? "")
        }
        let digit = reply.attribute("digit").flatMap(\.first)
        return AGISpeechResult(ending: reply.data ?? "", digit: digit, matches: matches)
    }
}
