import AsteriskAMI

/// A manager account of the fake server.
public struct FakeAMIUser: Sendable, Hashable {
    /// The login name.
    public var username: String
    /// The secret (plain and MD5 login both check it).
    public var secret: String
    /// Actions this user may run (case-insensitive); nil allows all. `Login`, `Challenge` and `Logoff` are always allowed.
    public var allowedActions: Set<String>?

    /// Creates an account.
    public init(username: String, secret: String, allowedActions: Set<String>? = nil) {
        self.username = username
        self.secret = secret
        self.allowedActions = allowedActions.map { Set($0.map { $0.lowercased() }) }
    }

    /// Whether the user may run `action`.
    func may(_ action: String) -> Bool {
        let name = action.lowercased()
        if ["login", "challenge", "logoff"].contains(name) { return true }
        return allowedActions?.contains(name) ?? true
    }
}

/// An action the fake server received, as a handler sees it.
public struct FakeAMIRequest: Sendable {
    /// The action's name as sent.
    public let action: String
    /// The whole frame, every header included.
    public let message: AMIMessage
    /// The logged-in user, if any.
    public let username: String?

    /// The first value of header `name`.
    public subscript(name: String) -> String? { message[name] }
    /// The ActionID, if the client sent one.
    public var actionID: String? { message["ActionID"] }
}

/// What the fake server answers to an action (the ActionID is added for you).
public enum FakeAMIReply: Sendable {
    /// `Response: Success` with an optional `Message:` and extra headers.
    case success(message: String? = nil, headers: [AMIHeader] = [])
    /// `Response: Error` with a `Message:`.
    case error(message: String)
    /// `Response: Success` + `EventList: start`, the items, then `<completeEvent>` with `EventList: Complete`,
    /// `ListItems` and `completeHeaders`.
    case list(message: String = "Events will follow", items: [AMIEvent], completeEvent: String, completeHeaders: [AMIHeader] = [])
    /// Exact frames, written as given (each a list of headers).
    case frames([[AMIHeader]])
    /// No answer at all (to test client timeouts).
    case none
}

/// How a simulated originated call ends.
public enum FakeCallOutcome: Sendable, Hashable {
    /// The callee answers after `ringing` and hangs up after `talking`.
    case answer(ringing: Duration = .milliseconds(10), talking: Duration = .milliseconds(50))
    /// The callee is busy (`Reason: 5`, cause 17).
    case busy
    /// Nobody answers (`Reason: 3`, cause 19).
    case noAnswer(ringing: Duration = .milliseconds(30))
    /// The destination does not exist (`Reason: 0`, cause 1).
    case unknownExtension
    /// The network is congested (`DialStatus: CONGESTION`, `Reason: 8`, cause 34).
    case congestion
    /// The call stays up until hung up with the `Hangup` action.
    case answerAndHold(ringing: Duration = .milliseconds(10))
}

/// A channel the fake server pretends to have.
public struct FakeChannel: Sendable, Hashable {
    /// The channel name, for example `PJSIP/100-00000001`.
    public var name: String
    /// The unique id.
    public var uniqueID: String
    /// The linked id.
    public var linkedID: String
    /// The numeric channel state (0 Down, 4 Ring, 5 Ringing, 6 Up, 7 Busy).
    public var state: Int
    /// Caller ID number.
    public var callerIDNumber: String
    /// Caller ID name.
    public var callerIDName: String
    /// Dialplan context.
    public var context: String
    /// Dialplan extension.
    public var exten: String
    /// Dialplan priority.
    public var priority: Int
    /// The application running, if any.
    public var application: String
    /// The application's data.
    public var applicationData: String

    /// Creates a channel.
    public init(
        name: String, uniqueID: String, linkedID: String? = nil, state: Int = 6, callerIDNumber: String = "<unknown>",
        callerIDName: String = "<unknown>", context: String = "default", exten: String = "s", priority: Int = 1,
        application: String = "", applicationData: String = ""
    ) {
        self.name = name
        self.uniqueID = uniqueID
        self.linkedID = linkedID ?? uniqueID
        self.state = state
        self.callerIDNumber = callerIDNumber
        self.callerIDName = callerIDName
        self.context = context
        self.exten = exten
        self.priority = priority
        self.application = application
        self.applicationData = applicationData
    }

    /// Asterisk's text for the numeric state.
    public var stateDescription: String {
        switch state {
        case 0: return "Down"
        case 1: return "Rsrvd"
        case 2: return "OffHook"
        case 3: return "Dialing"
        case 4: return "Ring"
        case 5: return "Ringing"
        case 6: return "Up"
        case 7: return "Busy"
        default: return "Unknown"
        }
    }

    /// The channel snapshot headers Asterisk puts in channel events, optionally prefixed (`Dest`).
    public func snapshotHeaders(prefix: String = "") -> [AMIHeader] {
        [
            AMIHeader(name: prefix + "Channel", value: name),
            AMIHeader(name: prefix + "ChannelState", value: String(state)),
            AMIHeader(name: prefix + "ChannelStateDesc", value: stateDescription),
            AMIHeader(name: prefix + "CallerIDNum", value: callerIDNumber),
            AMIHeader(name: prefix + "CallerIDName", value: callerIDName),
            AMIHeader(name: prefix + "ConnectedLineNum", value: "<unknown>"),
            AMIHeader(name: prefix + "ConnectedLineName", value: "<unknown>"),
            AMIHeader(name: prefix + "Language", value: "en"),
            AMIHeader(name: prefix + "AccountCode", value: ""),
            AMIHeader(name: prefix + "Context", value: context),
            AMIHeader(name: prefix + "Exten", value: exten),
            AMIHeader(name: prefix + "Priority", value: String(priority)),
            AMIHeader(name: prefix + "Uniqueid", value: uniqueID),
            AMIHeader(name: prefix + "Linkedid", value: linkedID),
        ]
    }
}
