/// A declarative IVR menu: prompts, an option per key, what to say on a wrong key or silence, and
/// how often to try before giving up. Run it with ``run(on:)``.
public struct Menu: Sendable, Hashable {
    /// What a key does.
    public indirect enum Option: Sendable, Hashable {
        /// Ends the IVR with this choice.
        case choose(String)
        /// Enters a sub-menu.
        case submenu(Menu)
        /// Collects digits, then ends the IVR with this choice and the digits.
        case collect(String, CollectDigits)
        /// Returns to the menu above (at the top, plays this menu again).
        case back
        /// Ends the IVR without a choice.
        case exit
    }

    /// The menu's prompts, interruptible by any option's key.
    public var prompts: [IVRPrompt]
    /// The options, by key.
    public var options: [Character: Option]
    /// Played after a key that is no option (or too few digits).
    public var invalidPrompts: [IVRPrompt]
    /// Played when nobody pressed anything.
    public var timeoutPrompts: [IVRPrompt]
    /// How long to wait for a key after the prompts.
    public var timeout: Duration
    /// How many wrong or missing answers are tolerated before giving up.
    public var maximumAttempts: Int

    /// Creates a menu.
    public init(
        prompts: [IVRPrompt], options: [Character: Option], invalidPrompts: [IVRPrompt] = [.sound("option-is-invalid")],
        timeoutPrompts: [IVRPrompt] = [], timeout: Duration = .seconds(5), maximumAttempts: Int = 3
    ) {
        self.prompts = prompts
        self.options = options
        self.invalidPrompts = invalidPrompts
        self.timeoutPrompts = timeoutPrompts
        self.timeout = timeout
        self.maximumAttempts = maximumAttempts
    }
}
