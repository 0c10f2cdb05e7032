/// A dialplan context: every `[name]` section of that name together, in file order.
public struct DialplanContext: Sendable, Hashable {
    /// The context's name.
    public var name: String
    /// Every priority and hint, in file order.
    public var priorities: [DialplanPriority] = []
    /// `include =>` lines, in order.
    public var includes: [DialplanInclude] = []
    /// `switch =>`, `lswitch =>` and `eswitch =>` lines, in order.
    public var switches: [DialplanSwitch] = []
    /// `ignorepat =>` patterns, in order.
    public var ignorePatterns: [String] = []
    /// `autohints = yes/no`, when set.
    public var autohints: Bool?

    /// Creates an empty context.
    public init(name: String) {
        self.name = name
    }

    /// The extensions, in the order each first appears, each with its priorities sorted by number.
    public var extensions: [DialplanExtension] {
        var result: [DialplanExtension] = []
        for priority in priorities {
            var index = result.firstIndex { $0.pattern == priority.extensionPattern && $0.callerIDMatch == priority.callerIDMatch }
            if index == nil {
                result.append(DialplanExtension(pattern: priority.extensionPattern, callerIDMatch: priority.callerIDMatch, priorities: []))
                index = result.count - 1
            }
            if priority.isHint {
                result[index!].hint = priority.application
            } else {
                result[index!].priorities.append(priority)
            }
        }
        for index in result.indices { result[index].priorities.sort { ($0.number ?? 0) < ($1.number ?? 0) } }
        return result
    }

    /// The extension with exactly this pattern (and caller ID match).
    public func `extension`(_ pattern: String, callerID: String? = nil) -> DialplanExtension? {
        extensions.first { $0.pattern == pattern && $0.callerIDMatch == callerID }
    }
}
