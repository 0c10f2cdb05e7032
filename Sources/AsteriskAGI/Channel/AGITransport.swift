/// Carries AGI command lines to Asterisk and replies back, for one call: classic stdio, FastAGI or AsyncAGI.
public protocol AGITransport: Sendable {
    /// The variables Asterisk sent when the session started.
    var environment: AGIEnvironment { get }
    /// Sends one command and waits for its reply. A `HANGUP` notice seen on the way is reported
    /// through ``hangupObserved`` and does not end the wait. ``AGIChannel`` validates every command
    /// (no CR, LF or NUL) before calling this.
    func execute(_ command: AGICommand, timeout: Duration?) async throws -> AGIReply
    /// Whether Asterisk has said the channel hung up.
    var hangupObserved: Bool { get }
    /// Ends the session (the call continues in the dialplan unless it was hung up).
    func close() async
}
