/// One priority of an extension, from an `exten =>` or `same =>` line of extensions.conf.
public struct DialplanPriority: Sendable, Hashable {
    /// How the priority was written.
    public enum Written: Sendable, Hashable {
        /// A number: `1`.
        case number(Int)
        /// `n` or `next`: one more than the previous line's.
        case next
        /// `s` or `same`: the previous line's again.
        case same
        /// `hint`: not a step but the extension's device state hint.
        case hint
        /// The name of an earlier label of the same extension: that label's priority.
        case label(String)
    }

    /// The extension or pattern (`100`, `_X.`, `s`), as written (global variables are not substituted).
    public var extensionPattern: String
    /// The caller ID to match, from `exten => 100/5551234,…`; `nil` when there is none.
    public var callerIDMatch: String?
    /// How the priority was written.
    public var written: Written
    /// The `+N` after the written priority (`n+1`, `label+2`); 0 when there is none.
    public var offset: Int
    /// The priority's number as Asterisk computes it; `nil` for a hint.
    public var number: Int?
    /// The label given with `n(label)`.
    public var label: String?
    /// The application (`Dial`); for a hint, the hint itself (`PJSIP/100&Custom:dnd`).
    public var application: String
    /// The application's arguments: what is inside its outermost parentheses; empty when there are none.
    public var arguments: String
    /// Whether the line was `same =>`.
    public var isSameLine: Bool
    /// The file the line is in.
    public var file: String
    /// The line number (1-based).
    public var line: Int

    /// Whether this is the extension's hint rather than a step.
    public var isHint: Bool { written == .hint }
}

/// An extension of a context: a pattern (and caller ID match) with its steps and hint.
public struct DialplanExtension: Sendable, Hashable {
    /// The extension or pattern.
    public var pattern: String
    /// The caller ID it matches, if it is limited to one.
    public var callerIDMatch: String?
    /// The steps, by priority number.
    public var priorities: [DialplanPriority]
    /// The device state hint, if the extension has one.
    public var hint: String?

    /// The step with this priority number.
    public func priority(_ number: Int) -> DialplanPriority? { priorities.first { $0.number == number } }
    /// The step with this label.
    public func priority(labeled label: String) -> DialplanPriority? { priorities.first { $0.label == label } }
}

/// `include => other-context` (optionally limited in time: `include => daytime,09:00-17:00,mon-fri,*,*`).
public struct DialplanInclude: Sendable, Hashable {
    /// The included context.
    public var context: String
    /// The time limit (`09:00-17:00,mon-fri,*,*`, with its optional time zone), if any.
    public var timing: String?
    /// The file the line is in.
    public var file: String
    /// The line number (1-based).
    public var line: Int
}

/// `switch => IAX2/user@host/context` (or `lswitch`, `eswitch`): extensions looked up elsewhere.
public struct DialplanSwitch: Sendable, Hashable {
    /// Which keyword introduced it.
    public enum Kind: String, Sendable, Hashable {
        /// `switch`: variables are substituted when the context loads.
        case `switch`
        /// `lswitch`: variables are left as written (substituted at each lookup).
        case lswitch
        /// `eswitch`: variables are substituted at each lookup.
        case eswitch
    }

    /// Which keyword introduced it.
    public var kind: Kind
    /// The switch module (`IAX2`, `Realtime`, …): what comes before the first `/`.
    public var module: String
    /// The module's data: what follows the first `/`.
    public var data: String
    /// The file the line is in.
    public var file: String
    /// The line number (1-based).
    public var line: Int
}
