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
