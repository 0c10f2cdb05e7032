import Foundation

/// A control command to Asterisk on a media WebSocket (`chan_websocket`).
public enum ARIMediaCommand: Sendable, Hashable {
    /// Answers the channel (when it was created not to answer by itself).
    case answer
    /// Hangs the channel up.
    case hangup
    /// Starts a buffered transfer: audio sent now is queued whole and timed by Asterisk.
    case startBuffering
    /// Ends a buffered transfer; Asterisk answers `MEDIA_BUFFERING_COMPLETED` with the id.
    case stopBuffering(correlationID: String)
    /// Puts a mark in the queue; Asterisk answers `MEDIA_MARK_PROCESSED` when playback reaches it.
    case mark(correlationID: String)
    /// Drops every queued frame.
    case flush
    /// Asks for `QUEUE_DRAINED` once the queue has been played out.
    case reportQueueDrained
    /// Asks for a `STATUS` report.
    case getStatus
    /// Pauses playback of the queue.
    case pause
    /// Resumes playback of the queue.
    case resume
    /// Changes the media direction (`both`, `in`, `out`; JSON control format only).
    case setDirection(String)

    /// The command's name on the wire.
    public var name: String {
        switch self {
        case .answer: "ANSWER"
        case .hangup: "HANGUP"
        case .startBuffering: "START_MEDIA_BUFFERING"
        case .stopBuffering: "STOP_MEDIA_BUFFERING"
        case .mark: "MARK_MEDIA"
        case .flush: "FLUSH_MEDIA"
        case .reportQueueDrained: "REPORT_QUEUE_DRAINED"
        case .getStatus: "GET_STATUS"
        case .pause: "PAUSE_MEDIA"
        case .resume: "CONTINUE_MEDIA"
        case .setDirection: "SET_MEDIA_DIRECTION"
        }
    }

    /// The command as a text message in the given control format.
    /// - Throws: ``ARIError`` `.invalidRequest` for an id or direction with a space, a control
    ///   character or a NUL (they would end or split the command), or a direction in the plain format.
    public func encoded(json: Bool) throws(ARIError) -> String {
        var argument: (key: String, value: String)?
        switch self {
        case .stopBuffering(let id), .mark(let id): argument = ("correlation_id", id)
        case .setDirection(let direction): argument = ("direction", direction)
        default: break
        }
        if let argument {
            guard !argument.value.isEmpty, !argument.value.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else {
                throw ARIError(.invalidRequest, "\(name) needs a \(argument.key) without spaces or control characters")
            }
        }
        if json {
            var object = ["command": name]
            if let argument { object[argument.key] = argument.value }
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
                throw ARIError(.invalidRequest, "\(name) could not be encoded")
            }
            return String(decoding: data, as: UTF8.self)
        }
        if case .setDirection = self { throw ARIError(.invalidRequest, "SET_MEDIA_DIRECTION needs the JSON control format") }
        return argument.map { "\(name) \($0.value)" } ?? name
    }
}
