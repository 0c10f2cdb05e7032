/// What an IVR needs from a call: prompts a key may interrupt, and waiting for a key. `AGIChannel` (AsteriskAGI)
/// and `StasisChannel` (AsteriskARI) provide it; tests use a scripted caller (`IVRScriptedCaller` in AsteriskTesting).
public protocol IVRCallPort: Sendable {
    /// Plays `prompt`; returns the key among `interruptKeys` that cut it short, if any.
    func play(_ prompt: IVRPrompt, interruptKeys: String) async throws -> Character?
    /// Waits up to `timeout` for a key.
    func waitForKey(timeout: Duration) async throws -> Character?
}
