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
