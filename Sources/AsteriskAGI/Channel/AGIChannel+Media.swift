/// Answering, hanging up, playback, prompts, recording and text: the commands that touch the media.
extension AGIChannel {
    /// `ANSWER`: answers the channel.
    public func answer() async throws {
        try await runChecked("ANSWER")
    }

    /// `HANGUP [channel]`: hangs up this channel, or another one by name.
    public func hangup(channel: String? = nil) async throws {
        try await runChecked("HANGUP", channel.map { [$0] } ?? [])
    }

    /// `STREAM FILE`: plays a sound file; a key in `escapeDigits` stops it and is returned.
    @discardableResult
    public func streamFile(_ file: String, escapeDigits: String = "", offset: Int? = nil) async throws -> AGIPlaybackResult {
        let reply = try await runChecked("STREAM FILE", [file, escapeDigits] + (offset.map { [String($0)] } ?? []))
        return AGIPlaybackResult(keyPress: AGIKeyPress(result: reply.result ?? 0), endPosition: reply.endPosition)
    }

    /// `CONTROL STREAM FILE`: plays a file with skip, rewind and pause keys.
    @discardableResult
    public func controlStreamFile(
        _ file: String, escapeDigits: String = "", skip: Duration? = nil, forwardKey: Character? = nil,
        rewindKey: Character? = nil, pauseKey: Character? = nil, offset: Duration? = nil
    ) async throws -> AGIPlaybackResult {
        var arguments = [file, escapeDigits]
        let optional: [String?] = [
            skip?.agiMilliseconds, forwardKey.map(String.init), rewindKey.map(String.init), pauseKey.map(String.init),
            offset?.agiMilliseconds,
        ]
        // Positional options: pass the ones before the last given one, defaulting the gaps as Asterisk does.
        if let last = optional.lastIndex(where: { $0 != nil }) {
            let defaults = ["3000", "#", "*", "", "0"]
            for index in 0...last { arguments.append(optional[index] ?? defaults[index]) }
        }
        let reply = try await runChecked("CONTROL STREAM FILE", arguments)
        return AGIPlaybackResult(keyPress: AGIKeyPress(result: reply.result ?? 0), endPosition: reply.endPosition)
    }

    /// `GET OPTION`: plays a file, then waits up to `timeout` for one key from `escapeDigits`.
    public func getOption(_ file: String, escapeDigits: String, timeout: Duration? = nil) async throws -> AGIPlaybackResult {
        let reply = try await runChecked("GET OPTION", [file, escapeDigits] + (timeout.map { [$0.agiSeconds] } ?? []))
        return AGIPlaybackResult(keyPress: AGIKeyPress(result: reply.result ?? 0), endPosition: reply.endPosition)
    }

    /// `GET DATA`: plays a prompt and collects up to `maxDigits` digits (ended early by `#` or the timeout).
    public func getData(_ file: String, timeout: Duration? = nil, maxDigits: Int? = nil) async throws -> AGIDigitsResult {
        var arguments = [file]
        if timeout != nil || maxDigits != nil { arguments.append(timeout?.agiMilliseconds ?? "0") }
        if let maxDigits { arguments.append(String(maxDigits)) }
        let reply = try await runChecked("GET DATA", arguments)
        let digits = reply.resultText ?? ""
        return AGIDigitsResult(digits: digits, timedOut: reply.data == "timeout")
    }

    /// `WAIT FOR DIGIT`: waits for one key; nil `timeout` waits forever.
    public func waitForDigit(timeout: Duration?) async throws -> AGIKeyPress {
        let reply = try await runChecked("WAIT FOR DIGIT", [timeout?.agiMilliseconds ?? "-1"])
        return AGIKeyPress(result: reply.result ?? 0)
    }

    /// `SAY ALPHA`: spells out a string.
    @discardableResult
    public func sayAlpha(_ text: String, escapeDigits: String = "") async throws -> AGIKeyPress {
        try await say("SAY ALPHA", [text, escapeDigits])
    }

    /// `SAY DIGITS`: says a number digit by digit.
    @discardableResult
    public func sayDigits(_ digits: String, escapeDigits: String = "") async throws -> AGIKeyPress {
        try await say("SAY DIGITS", [digits, escapeDigits])
    }

    /// `SAY NUMBER`: says a number, optionally with a grammatical gender (`f`, `m`, `c`, `n`).
    @discardableResult
    public func sayNumber(_ number: Int, escapeDigits: String = "", gender: String? = nil) async throws -> AGIKeyPress {
        try await say("SAY NUMBER", [String(number), escapeDigits] + (gender.map { [$0] } ?? []))
    }

    /// `SAY PHONETIC`: spells a string with the phonetic alphabet.
    @discardableResult
    public func sayPhonetic(_ text: String, escapeDigits: String = "") async throws -> AGIKeyPress {
        try await say("SAY PHONETIC", [text, escapeDigits])
    }

    /// `SAY DATE`: says the date of a Unix time.
    @discardableResult
    public func sayDate(_ unixTime: Int, escapeDigits: String = "") async throws -> AGIKeyPress {
        try await say("SAY DATE", [String(unixTime), escapeDigits])
    }

    /// `SAY TIME`: says the time of day of a Unix time.
    @discardableResult
    public func sayTime(_ unixTime: Int, escapeDigits: String = "") async throws -> AGIKeyPress {
        try await say("SAY TIME", [String(unixTime), escapeDigits])
    }

    /// `SAY DATETIME`: says a Unix time with an optional format (as in voicemail.conf) and time zone.
    @discardableResult
    public func sayDateTime(
        _ unixTime: Int, escapeDigits: String = "", format: String? = nil, timeZone: String? = nil
    ) async throws -> AGIKeyPress {
        var arguments = [String(unixTime), escapeDigits]
        if format != nil || timeZone != nil { arguments.append(format ?? "ABdY 'digits/at' IMp") }
        if let timeZone { arguments.append(timeZone) }
        return try await say("SAY DATETIME", arguments)
    }

    private func say(_ name: String, _ arguments: [String]) async throws -> AGIKeyPress {
        AGIKeyPress(result: try await runChecked(name, arguments).result ?? 0)
    }

    /// `RECORD FILE`: records to `file` in `format` until a key in `escapeDigits`, the time limit, or silence.
    public func recordFile(
        _ file: String, format: String = "wav", escapeDigits: String = "#", timeLimit: Duration? = nil,
        offsetSamples: Int? = nil, beep: Bool = false, silence: Duration? = nil
    ) async throws -> AGIRecordingResult {
        var arguments = [file, format, escapeDigits, timeLimit?.agiMilliseconds ?? "-1"]
        if offsetSamples != nil || beep || silence != nil { arguments.append(String(offsetSamples ?? 0)) }
        if beep || silence != nil { arguments.append(beep ? "BEEP" : "") }
        if let silence { arguments.append("s=" + silence.agiSeconds) }
        let reply = try await runChecked("RECORD FILE", arguments)
        let ending: AGIRecordingResult.Ending
        switch (reply.data, AGIKeyPress(result: reply.result ?? 0)) {
        case ("timeout", _): ending = .timeout
        case ("hangup", _): ending = .hangup
        case ("dtmf", .digit(let key)): ending = .keyPress(key)
        default: ending = .other(reply.data ?? "")
        }
        return AGIRecordingResult(ending: ending, endPosition: reply.endPosition)
    }

    /// `RECEIVE CHAR`: waits for one character of text (on channels that support text); nil on timeout.
    public func receiveChar(timeout: Duration?) async throws -> Character? {
        let reply = try await runChecked("RECEIVE CHAR", [timeout?.agiMilliseconds ?? "0"])
        return AGIKeyPress(result: reply.result ?? 0).digit
    }

    /// `RECEIVE TEXT`: waits for a text message; nil when none arrived.
    public func receiveText(timeout: Duration?) async throws -> String? {
        let reply = try await runChecked("RECEIVE TEXT", [timeout?.agiMilliseconds ?? "0"])
        return reply.data
    }

    /// `SEND TEXT`: sends text to channels that support it.
    public func sendText(_ text: String) async throws {
        try await runChecked("SEND TEXT", [text])
    }

    /// `SEND IMAGE`: sends an image to channels that support it.
    public func sendImage(_ image: String) async throws {
        try await runChecked("SEND IMAGE", [image])
    }

    /// `TDD MODE`: turns TDD (text telephone) mode on or off.
    public func tddMode(_ enabled: Bool) async throws {
        try await runChecked("TDD MODE", [enabled ? "on" : "off"])
    }

    /// `SET MUSIC`: starts or stops music on hold, optionally of a class.
    public func setMusic(_ enabled: Bool, class musicClass: String? = nil) async throws {
        try await runChecked("SET MUSIC", [enabled ? "on" : "off"] + (musicClass.map { [$0] } ?? []))
    }
}
