import AsteriskIVR
import NIOConcurrencyHelpers

/// A caller for testing IVR menus without Asterisk: presses keys from a script and records every
/// prompt it hears.
///
/// During a prompt, the next scripted key is taken only if it may interrupt that prompt; otherwise
/// the prompt plays to its end and the key waits for the next ``waitForKey(timeout:)``. A
/// ``Action/silence`` lets one wait time out; an empty script is silence from then on.
public final class IVRScriptedCaller: IVRCallPort {
    /// One thing the caller does.
    public enum Action: Sendable, Hashable {
        /// Presses a key.
        case press(Character)
        /// Lets a wait time out.
        case silence
    }

    private let state: NIOLockedValueBox<(script: ArraySlice<Action>, heard: [IVRPrompt])>

    /// A caller that will do `script`, in order.
    public init(_ script: [Action]) {
        state = NIOLockedValueBox((ArraySlice(script), []))
    }

    /// A caller that will press `keys` one after another ("12#").
    public convenience init(keys: String) {
        self.init(keys.map { .press($0) })
    }

    /// Every prompt played to the caller, in order (interrupted ones included).
    public var heard: [IVRPrompt] { state.withLockedValue { $0.heard } }
    /// What the caller had not done yet when the IVR ended.
    public var remaining: [Action] { state.withLockedValue { Array($0.script) } }

    /// Hears `prompt`; presses the next key if it may interrupt.
    public func play(_ prompt: IVRPrompt, interruptKeys: String) async throws -> Character? {
        state.withLockedValue { state in
            state.heard.append(prompt)
            guard case .press(let key)? = state.script.first, interruptKeys.contains(key) else { return nil }
            state.script.removeFirst()
            return key
        }
    }

    /// Presses the next key, or stays silent.
    public func waitForKey(timeout: Duration) async throws -> Character? {
        state.withLockedValue { state in
            guard let action = state.script.popFirst() else { return nil }
            if case .press(let key) = action { return key }
            return nil
        }
    }
}
