import Foundation

/// A channel inside a ``StasisApplication``: the call flow's handle on one call.
///
/// Every method is a REST call on this channel; the ones that take time (``play(_:language:timeout:)``,
/// ``record(name:format:maxDuration:maxSilence:beep:terminateOn:)``, ``collectDigits(maxDigits:terminators:firstDigitTimeout:interDigitTimeout:)``)
/// wait for the matching event of this channel. When the caller hangs up or the channel leaves the
/// application, waits end at once with ``ARIError/Code-swift.struct/channelGone``.
public final class StasisChannel: Sendable {
    /// The channel's id.
    public let id: String
    /// The `StasisStart` that brought the channel in (its snapshot, `args`, `application`).
    public let start: ARIStasisStartEvent
    /// The client the channel's requests go through.
    public let client: ARIClient
    let mailbox: StasisChannelMailbox

    init(start: ARIStasisStartEvent, client: ARIClient, mailbox: StasisChannelMailbox) {
        self.id = start.channel.id
        self.start = start
        self.client = client
        self.mailbox = mailbox
    }

    /// The arguments of `Stasis(app, arg1, arg2…)` (or `appArgs` of an originate).
    public var args: [String] { start.args }

    /// Whether the channel has hung up or left the application.
    public var isGone: Bool { mailbox.gone != nil }

    /// Every event of this channel, in order, as it arrives (ends when the channel is gone).
    public var events: AsyncStream<ARIEvent> { mailbox.events }

    /// Answers the call.
    public func answer() async throws(ARIError) {
        try await client.send(ARIOperations.Channels.answer(channelID: id))
    }

    /// Indicates ringing to the caller.
    public func ring() async throws(ARIError) {
        try await client.send(ARIOperations.Channels.ring(channelID: id))
    }

    /// Plays media (`sound:hello-world`, `digits:123`, `number:42`, `tone:ring`, `recording:name`) and
    /// waits until it has finished; returns the final playback.
    /// - Throws: `.channelGone` when the caller hangs up first, `.timeout` after `timeout` (the playback is stopped).
    @discardableResult
    public func play(_ media: String..., language: String? = nil, timeout: Duration? = nil) async throws(ARIError) -> ARIPlayback {
        let playback = try await startPlayback(media, language: language)
        return try await playback.finished(timeout: timeout)
    }

    /// Starts playing media and returns at once with a handle to wait for or stop the playback.
    public func startPlayback(_ media: [String], language: String? = nil) async throws(ARIError) -> StasisPlayback {
        try await startPlayback(media, language: language, interruptKeys: "")
    }

    /// Starts a playback whose wait also ends (with `.digit`) on a DTMF key among `interruptKeys`.
    func startPlayback(_ media: [String], language: String?, interruptKeys: String) async throws(ARIError) -> StasisPlayback {
        let playbackID = "pb-" + UUID().uuidString.lowercased()
        let expectation = mailbox.expect { event in
            switch event {
            case .playbackFinished(let finished) where finished.playback.id == playbackID:
                return .event(event)
            case .channelDtmfReceived(let dtmf):
                guard let key = dtmf.digit.first, interruptKeys.contains(key) else { return nil }
                return .digit(key)
            default:
                return nil
            }
        }
        do {
            try await client.send(ARIOperations.Channels.play(channelID: id, media: media, lang: language, playbackID: playbackID))
        } catch {
            mailbox.cancel(expectation)
            throw error
        }
        return StasisPlayback(id: playbackID, channel: self, expectation: expectation)
    }

    /// Records the caller into `name` and waits until the recording ends (silence, the terminator key,
    /// the maximum duration, or hangup); returns the finished recording.
    @discardableResult
    public func record(
        name: String, format: String = "wav", maxDuration: Duration? = nil, maxSilence: Duration? = nil, beep: Bool = false,
        terminateOn: String = "#"
    ) async throws(ARIError) -> ARILiveRecording {
        let expectation = mailbox.expect { event in
            switch event {
            case .recordingFinished(let done) where done.recording.name == name: return .event(event)
            case .recordingFailed(let failed) where failed.recording.name == name: return .event(event)
            default: return nil
            }
        }
        do {
            try await client.send(ARIOperations.Channels.record(
                channelID: id, name: name, format: format, maxDurationSeconds: maxDuration.map(Self.wholeSeconds),
                maxSilenceSeconds: maxSilence.map(Self.wholeSeconds), beep: beep, terminateOn: terminateOn))
        } catch {
            mailbox.cancel(expectation)
            throw error
        }
        switch await mailbox.wait(for: expectation, timeout: maxDuration.map { $0 + .seconds(30) }) {
        case .event(.recordingFinished(let done)): return done.recording
        case .event(.recordingFailed(let failed)):
            throw ARIError(.requestFailed, "the recording \(name) failed: \(failed.recording.cause ?? "unknown cause")", operation: "channels.record")
        case .gone(let error): throw error
        default: throw ARIError(.timeout, "the recording \(name) did not finish", operation: "channels.record")
        }
    }

    /// Reads DTMF digits (typed-ahead digits first) until `maxDigits`, a terminator key (not included
    /// in the result), or a timeout. Returns what was collected and why collection stopped.
    public func collectDigits(
        maxDigits: Int, terminators: Set<Character> = ["#"], firstDigitTimeout: Duration = .seconds(5),
        interDigitTimeout: Duration = .seconds(3)
    ) async throws(ARIError) -> StasisDigits {
        var digits = ""
        while digits.count < maxDigits {
            switch await mailbox.nextDigit(timeout: digits.isEmpty ? firstDigitTimeout : interDigitTimeout) {
            case .digit(let digit):
                if terminators.contains(digit) { return StasisDigits(digits: digits, ending: .terminator(digit)) }
                digits.append(digit)
            case .timedOut:
                return StasisDigits(digits: digits, ending: .timeout)
            case .gone(let error):
                throw error
            case .event:
                continue
            }
        }
        return StasisDigits(digits: digits, ending: .maxDigits)
    }

    /// Forgets digits pressed but not yet read, returning them.
    @discardableResult
    public func flushDigits() -> String { mailbox.flushDigits() }

    /// Sends DTMF to the channel.
    public func sendDTMF(_ digits: String) async throws(ARIError) {
        try await client.send(ARIOperations.Channels.sendDTMF(channelID: id, dtmf: digits))
    }

    /// Sets a channel variable (or function, `CALLERID(name)`).
    public func setVariable(_ name: String, _ value: String) async throws(ARIError) {
        try await client.send(ARIOperations.Channels.setChannelVar(channelID: id, variable: name, value: value))
    }

    /// A channel variable's value; nil when it is not set.
    public func variable(_ name: String) async throws(ARIError) -> String? {
        do {
            return try await client.send(ARIOperations.Channels.getChannelVar(channelID: id, variable: name)).value
        } catch where error.status == 404 {
            return nil
        }
    }

    /// Leaves the application and continues in the dialplan (where it was, or at the place given).
    public func continueInDialplan(context: String? = nil, extension: String? = nil, priority: Int? = nil, label: String? = nil)
        async throws(ARIError)
    {
        try await client.send(ARIOperations.Channels.continueInDialplan(
            channelID: id, context: context, extension: `extension`, priority: priority, label: label))
    }

    /// Hangs up the call (`reason`: normal, busy, congestion, no_answer, …).
    public func hangup(reason: String? = nil) async throws(ARIError) {
        do {
            try await client.send(ARIOperations.Channels.hangup(channelID: id, reason: reason))
        } catch where error.status == 404 {
            // Already gone: the goal is reached.
        }
    }

    /// Seconds rounded up, as ARI's whole-second parameters take them.
    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}

/// A playback started by ``StasisChannel/startPlayback(_:language:)``.
public struct StasisPlayback: Sendable {
    /// The playback's id (chosen by the client, so no event of it can be missed).
    public let id: String
    let channel: StasisChannel
    let expectation: StasisExpectation

    /// Waits until the playback has finished; returns its final state.
    /// - Throws: `.channelGone` on hangup; `.timeout` after `timeout` (the playback is then stopped).
    @discardableResult
    public func finished(timeout: Duration? = nil) async throws(ARIError) -> ARIPlayback {
        switch await channel.mailbox.wait(for: expectation, timeout: timeout) {
        case .event(.playbackFinished(let finished)):
            return finished.playback
        case .gone(let error):
            throw error
        default:
            try? await stop()
            throw ARIError(.timeout, "the playback \(id) did not finish in time", operation: "channels.play")
        }
    }

    /// Stops the playback.
    public func stop() async throws(ARIError) {
        do {
            try await channel.client.send(ARIOperations.Playbacks.stop(playbackID: id))
        } catch where error.status == 404 {
            // Already finished.
        }
    }
}

/// Digits read by ``StasisChannel/collectDigits(maxDigits:terminators:firstDigitTimeout:interDigitTimeout:)``.
public struct StasisDigits: Sendable, Hashable {
    /// Why collection stopped.
    public enum Ending: Sendable, Hashable {
        /// The maximum number of digits was reached.
        case maxDigits
        /// A terminator key was pressed (not included in ``StasisDigits/digits``).
        case terminator(Character)
        /// No (further) digit came in time.
        case timeout
    }

    /// The digits, in order.
    public let digits: String
    /// Why collection stopped.
    public let ending: Ending
}
