import AsteriskIVR
import Foundation

extension StasisChannel: IVRCallPort {
    /// Plays an IVR prompt as ARI media (`sound:`, `digits:`, `number:`; a date as the sound files and
    /// numbers Asterisk's English `SAY DATE` uses, in this machine's time zone; silence as a wait for a
    /// key). A key among `interruptKeys` — typed ahead or pressed during the prompt — stops the
    /// playback and is returned; other keys are ignored, as AGI's escape digits do.
    /// - Throws: ``ARIError`` (`.channelGone` when the caller hangs up).
    public func play(_ prompt: IVRPrompt, interruptKeys: String) async throws -> Character? {
        if case .silence(let length) = prompt { return try await silence(length, interruptKeys: interruptKeys) }
        if let typed = mailbox.takeTypedAhead(among: interruptKeys) { return typed }
        let playback = try await startPlayback(Self.media(for: prompt), language: nil, interruptKeys: interruptKeys)
        switch await mailbox.wait(for: playback.expectation, timeout: nil) {
        case .digit(let key):
            mailbox.consumeDigits(through: key)
            try? await playback.stop()
            return key
        case .gone(let error):
            throw error
        case .event, .timedOut:
            return nil
        }
    }

    /// The next key pressed (typed-ahead keys first) within `timeout`; nil when none came.
    /// - Throws: ``ARIError`` (`.channelGone` when the caller hangs up).
    public func waitForKey(timeout: Duration) async throws -> Character? {
        switch await mailbox.nextDigit(timeout: timeout) {
        case .digit(let key): return key
        case .gone(let error): throw error
        case .event, .timedOut: return nil
        }
    }

    /// Silence of `length`, ended early by a key among `keys` (other keys are dropped); without
    /// keys, keys pressed meanwhile stay typed ahead.
    private func silence(_ length: Duration, interruptKeys keys: String) async throws -> Character? {
        guard !keys.isEmpty else {
            try await Task.sleep(for: length)
            return nil
        }
        let deadline = ContinuousClock.now + length
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { return nil }
            guard let key = try await waitForKey(timeout: remaining) else { return nil }
            if keys.contains(key) { return key }
        }
    }

    /// The ARI media URIs that say `prompt`.
    static func media(for prompt: IVRPrompt, timeZone: TimeZone = .current) -> [String] {
        switch prompt {
        case .sound(let file): return ["sound:\(file)"]
        case .digits(let digits): return ["digits:\(digits)"]
        case .number(let number): return ["number:\(number)"]
        case .silence: return []
        case .date(let seconds):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let parts = calendar.dateComponents([.weekday, .month, .day, .year], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            return [
                "sound:digits/day-\((parts.weekday ?? 1) - 1)", "sound:digits/mon-\((parts.month ?? 1) - 1)",
                "number:\(parts.day ?? 1)", "number:\(parts.year ?? 1970)",
            ]
        }
    }
}
