import Foundation

/// What `MEDIA_START` says about a media WebSocket: the channel, the audio format and how audio
/// should be framed.
public struct ARIMediaStart: Sendable, Hashable {
    /// The connection's id (`MEDIA_WEBSOCKET_CONNECTION_ID`).
    public var connectionID: String
    /// The channel's name.
    public var channel: String
    /// The channel's unique id.
    public var channelID: String
    /// The audio format's name (`ulaw`, `slin16`, `opus`, …).
    public var format: String
    /// The frame size Asterisk prefers, in bytes.
    public var optimalFrameSize: Int
    /// The frame duration, in milliseconds.
    public var ptime: Int
    /// The channel's variables (JSON control format only).
    public var variables: [String: String]

    /// Creates the description.
    public init(
        connectionID: String, channel: String, channelID: String, format: String, optimalFrameSize: Int, ptime: Int,
        variables: [String: String] = [:]
    ) {
        self.connectionID = connectionID
        self.channel = channel
        self.channelID = channelID
        self.format = format
        self.optimalFrameSize = optimalFrameSize
        self.ptime = ptime
        self.variables = variables
    }
}

/// The state `GET_STATUS` reports.
public struct ARIMediaStatus: Sendable, Hashable {
    /// Frames waiting in Asterisk's queue.
    public var queueLength: Int
    /// The length at which Asterisk sends `MEDIA_XON` again.
    public var xonLevel: Int
    /// The length at which Asterisk sends `MEDIA_XOFF`.
    public var xoffLevel: Int
    /// Whether the queue is full (sending should pause).
    public var queueFull: Bool
    /// Whether a buffered (bulk) transfer is in progress.
    public var bulkMedia: Bool
    /// Whether playback of the queue is paused.
    public var mediaPaused: Bool
}

/// A control message from Asterisk on a media WebSocket (`chan_websocket`), in either control format.
public enum ARIMediaEvent: Sendable, Hashable {
    /// The media session began.
    case mediaStart(ARIMediaStart)
    /// Asterisk's queue is nearly full: stop sending audio until ``mediaXon``.
    case mediaXoff
    /// Sending may resume.
    case mediaXon
    /// The queue has been played out (after `REPORT_QUEUE_DRAINED`).
    case queueDrained
    /// A buffered transfer ended (`STOP_MEDIA_BUFFERING` with this id).
    case bufferingCompleted(correlationID: String)
    /// Playback reached a mark (`MARK_MEDIA` with this id).
    case markProcessed(correlationID: String)
    /// The caller pressed a key.
    case dtmf(Character)
    /// The answer to `GET_STATUS`.
    case status(ARIMediaStatus)
    /// Asterisk refused a command.
    case error(String)
    /// A message this library does not know, as received.
    case unknown(String)

    /// Reads a control message: JSON (`{"event":"MEDIA_START",…}`) or plain text
    /// (`MEDIA_START connection_id:… channel:… …`).
    public static func parse(_ text: String) -> ARIMediaEvent {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any],
                let name = object["event"] as? String
            else { return .unknown(text) }
            var fields: [String: String] = [:]
            for (key, value) in object {
                switch value {
                case let string as String: fields[key] = string
                case let flag as Bool where !(value is Int): fields[key] = flag ? "true" : "false"
                case let number as NSNumber: fields[key] = number.stringValue
                default: break
                }
            }
            let variables = (object["channel_variables"] as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
            return make(name, fields: fields, variables: variables, raw: text)
        }
        let words = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let name = words.first else { return .unknown(text) }
        var fields: [String: String] = [:]
        var loose: [String] = []
        for word in words.dropFirst() {
            if let colon = word.firstIndex(of: ":") {
                fields[String(word[..<colon])] = String(word[word.index(after: colon)...])
            } else {
                loose.append(word)
            }
        }
        // Plain `ERROR channel_id:… error_text:…` keeps the rest of the line as the text.
        if name == "ERROR", let range = trimmed.range(of: "error_text:") { fields["error_text"] = String(trimmed[range.upperBound...]) }
        // Plain `MEDIA_BUFFERING_COMPLETED id` and `MEDIA_MARK_PROCESSED id` carry the id bare.
        if fields["correlation_id"] == nil, let id = loose.first { fields["correlation_id"] = id }
        return make(name, fields: fields, variables: [:], raw: text)
    }

    private static func isTrue(_ value: String?) -> Bool { value == "true" || value == "1" }

    private static func make(_ name: String, fields: [String: String], variables: [String: String], raw: String) -> ARIMediaEvent {
        switch name {
        case "MEDIA_START":
            guard let connection = fields["connection_id"], let format = fields["format"] else { return .unknown(raw) }
            return .mediaStart(ARIMediaStart(
                connectionID: connection, channel: fields["channel"] ?? "", channelID: fields["channel_id"] ?? "", format: format,
                optimalFrameSize: fields["optimal_frame_size"].flatMap(Int.init) ?? 0, ptime: fields["ptime"].flatMap(Int.init) ?? 20,
                variables: variables))
        case "MEDIA_XOFF": return .mediaXoff
        case "MEDIA_XON": return .mediaXon
        case "QUEUE_DRAINED": return .queueDrained
        case "MEDIA_BUFFERING_COMPLETED": return .bufferingCompleted(correlationID: fields["correlation_id"] ?? "")
        case "MEDIA_MARK_PROCESSED": return .markProcessed(correlationID: fields["correlation_id"] ?? "")
        case "DTMF_END":
            guard let digit = fields["digit"]?.first else { return .unknown(raw) }
            return .dtmf(digit)
        case "STATUS":
            return .status(ARIMediaStatus(
                queueLength: fields["queue_length"].flatMap(Int.init) ?? 0, xonLevel: fields["xon_level"].flatMap(Int.init) ?? 0,
                xoffLevel: fields["xoff_level"].flatMap(Int.init) ?? 0, queueFull: isTrue(fields["queue_full"]),
                bulkMedia: isTrue(fields["bulk_media"]), mediaPaused: isTrue(fields["media_paused"])))
        case "ERROR": return .error(fields["error_text"] ?? "")
        default: return .unknown(raw)
        }
    }
}
