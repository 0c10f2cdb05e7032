/// The state `CHANNEL STATUS` reports.
public enum ChannelStatus: Int, Sendable, Hashable, CaseIterable {
    /// Down and available.
    case downAvailable = 0
    /// Down, but reserved.
    case downReserved = 1
    /// Off hook.
    case offHook = 2
    /// Digits (or equivalent) have been dialed.
    case digitsDialed = 3
    /// The line is ringing.
    case ringing = 4
    /// The remote end is ringing.
    case remoteRinging = 5
    /// The line is up.
    case up = 6
    /// The line is busy.
    case busy = 7
}

/// What a command that can be interrupted by one key press returned (`STREAM FILE`, `SAY …`, `WAIT FOR DIGIT`).
public enum AGIKeyPress: Sendable, Hashable {
    /// Nobody pressed a key (playback ended, or the wait timed out).
    case none
    /// This key was pressed (`0`–`9`, `*`, `#`, `A`–`D`).
    case digit(Character)

    /// The key, if one was pressed.
    public var digit: Character? {
        if case .digit(let key) = self { return key }
        return nil
    }

    /// Decodes `result=<ascii code>`; 0 is no key.
    init(result: Int) {
        if result > 0, let scalar = Unicode.Scalar(result) {
            self = .digit(Character(scalar))
        } else {
            self = .none
        }
    }
}

/// The result of playback that may be interrupted: the key, and where playback stopped.
public struct AGIPlaybackResult: Sendable, Hashable {
    /// The key that interrupted playback, if any.
    public let keyPress: AGIKeyPress
    /// Where playback stopped, in samples (`endpos=`), when reported.
    public let endPosition: Int?
}

/// What `GET DATA` collected.
public struct AGIDigitsResult: Sendable, Hashable {
    /// The digits entered, possibly empty.
    public let digits: String
    /// Whether input ended because the timeout passed (rather than by reaching the maximum or `#`).
    public let timedOut: Bool
}

/// How `RECORD FILE` ended.
public struct AGIRecordingResult: Sendable, Hashable {
    /// Why recording stopped.
    public enum Ending: Sendable, Hashable {
        /// A key was pressed.
        case keyPress(Character)
        /// The time limit or the silence limit was reached.
        case timeout
        /// The caller hung up.
        case hangup
        /// Anything else Asterisk reports.
        case other(String)
    }

    /// Why recording stopped.
    public let ending: Ending
    /// The recording's length in samples (`endpos=`).
    public let endPosition: Int?
}

/// What `SPEECH RECOGNIZE` returned.
public struct AGISpeechResult: Sendable, Hashable {
    /// One recognised utterance.
    public struct Match: Sendable, Hashable {
        /// The recognised text.
        public let text: String
        /// The engine's confidence score.
        public let score: Int
        /// The grammar that matched.
        public let grammar: String
    }

    /// `speech`, `timeout`, `dtmf` or `hangup`, as Asterisk reports it.
    public let ending: String
    /// The key pressed, when the ending is `dtmf`.
    public let digit: Character?
    /// The recognised utterances, best first.
    public let matches: [Match]
}
