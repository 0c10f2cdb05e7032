/// Something an IVR says: a sound file, digits, a number, a date, or a pause.
public enum IVRPrompt: Sendable, Hashable {
    /// A sound file (`main-menu`).
    case sound(String)
    /// Digits read one by one.
    case digits(String)
    /// A number read as a number.
    case number(Int)
    /// A date (seconds since 1970).
    case date(Int)
    /// Silence (during which a key still counts).
    case silence(Duration)
}

/// What an IVR needs from a call: prompts a key may interrupt, and waiting for a key. `AGIChannel`
/// provides it; tests use a scripted caller (`IVRScriptedCaller` in AsteriskTesting).
public protocol IVRCallPort: Sendable {
    /// Plays `prompt`; returns the key among `interruptKeys` that cut it short, if any.
    func play(_ prompt: IVRPrompt, interruptKeys: String) async throws -> Character?
    /// Waits up to `timeout` for a key.
    func waitForKey(timeout: Duration) async throws -> Character?
}

/// Collecting several digits: an account number, a PIN.
public struct CollectDigits: Sendable, Hashable {
    /// What is played first.
    public var prompts: [IVRPrompt]
    /// The fewest digits accepted.
    public var minimumLength: Int
    /// The most digits taken (input ends there).
    public var maximumLength: Int
    /// The key that ends input early (not part of the digits); nil for none.
    public var terminator: Character?
    /// How long to wait for each key.
    public var timeout: Duration

    /// Creates a collection step.
    public init(prompts: [IVRPrompt], minimumLength: Int = 1, maximumLength: Int, terminator: Character? = "#", timeout: Duration = .seconds(5)) {
        self.prompts = prompts
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
        self.terminator = terminator
        self.timeout = timeout
    }
}

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

/// How an IVR ended, and the path of choices that led there.
public struct IVRResult: Sendable, Hashable {
    /// How it ended.
    public enum Outcome: Sendable, Hashable {
        /// An option chose this (with the digits collected, for ``Menu/Option/collect(_:_:)``).
        case chosen(String, input: String?)
        /// The caller took an ``Menu/Option/exit`` option.
        case exited
        /// Too many wrong or missing answers.
        case gaveUp
    }

    /// How it ended.
    public var outcome: Outcome
    /// Every key taken as a choice, in order (collected digits are in the outcome).
    public var path: [Character]

    /// Creates a result.
    public init(outcome: Outcome, path: [Character]) {
        self.outcome = outcome
        self.path = path
    }
}
