/// Where a tracked call (``AMICall``) stands.
public enum AMICallState: Sendable, Hashable {
    /// `Originate` was sent; no channel seen yet.
    case requested
    /// The channel exists and is being dialled.
    case dialing
    /// The callee is ringing.
    case ringing
    /// The callee answered.
    case answered
    /// The call is over.
    case ended(AMICallEnd)

    /// Whether the call is over.
    public var isEnded: Bool {
        if case .ended = self { return true }
        return false
    }
}

/// How a tracked call ended.
public struct AMICallEnd: Sendable, Hashable {
    /// Why, told apart the way a caller acts on it.
    public enum Reason: Sendable, Hashable {
        /// It was answered and later hung up.
        case completed
        /// The callee was busy (cause 17, `DialStatus: BUSY`, reason 5).
        case busy
        /// Nobody answered in time (causes 18/19, `NOANSWER`, reason 3).
        case noAnswer
        /// The network or trunk was congested (cause 34 and kin, `CONGESTION`, reason 8).
        case congestion
        /// The endpoint or number does not exist or is unavailable (causes 1/3/20/28, `CHANUNAVAIL`).
        case unknownEndpoint
        /// The callee rejected the call (cause 21).
        case callRejected
        /// Asterisk refused the `Originate` action itself, with its message.
        case actionRejected(String)
        /// It failed for another reason (the cause says which).
        case failed
        /// The AMI connection was lost before the call ended; its fate is unknown.
        case connectionLost
    }

    /// Why the call ended.
    public var reason: Reason
    /// The Q.850 hangup cause, when Asterisk reported one.
    public var cause: Int?
    /// Asterisk's text for the cause.
    public var causeText: String?
    /// Whether the call was answered before it ended.
    public var wasAnswered: Bool

    /// Creates an end.
    public init(reason: Reason, cause: Int? = nil, causeText: String? = nil, wasAnswered: Bool = false) {
        self.reason = reason
        self.cause = cause
        self.causeText = causeText
        self.wasAnswered = wasAnswered
    }

    /// The reason a hangup cause stands for when the call was never answered.
    public static func reason(forCause cause: Int) -> Reason {
        switch cause {
        case 17: return .busy
        case 18, 19: return .noAnswer
        case 21: return .callRejected
        case 1, 2, 3, 20, 22, 27, 28: return .unknownEndpoint
        case 34, 38, 41, 42, 44, 47, 58: return .congestion
        default: return .failed
        }
    }
}

/// A tracked call did not reach what was awaited.
public struct AMICallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// The call ended (before being answered, when awaiting the answer).
        case ended(AMICallEnd)
        /// The wait timed out; the call goes on.
        case timeout
        /// The waiting task was cancelled; the call goes on.
        case cancelled
    }

    /// What went wrong.
    public var kind: Kind
    /// The tracked channel's unique id.
    public var channelID: String

    /// A sentence for logs.
    public var description: String {
        switch kind {
        case .ended(let end):
            return "call \(channelID) ended: \(end.reason)" + (end.cause.map { " (cause \($0)\(end.causeText.map { ", \($0)" } ?? ""))" } ?? "")
        case .timeout: return "call \(channelID): timed out waiting"
        case .cancelled: return "call \(channelID): the wait was cancelled"
        }
    }
}
