import Foundation

/// Reads an event message's `type` without building the whole JSON tree first.
enum ARIEventTypeProbe {
    private struct Probe: Decodable {
        let type: String?
    }

    /// The `type` of a message.
    /// - Throws: ``ARIError`` `.malformedEvent` when the message is not a JSON object with a string `type`.
    static func type(of data: Data, decoder: JSONDecoder) throws(ARIError) -> String {
        let probe: Probe
        do {
            probe = try decoder.decode(Probe.self, from: data)
        } catch {
            throw ARIError(.malformedEvent, "the message is not a JSON object with a string type: \(error)")
        }
        guard let type = probe.type else { throw ARIError(.malformedEvent, "the message has no type") }
        return type
    }

    /// The whole message as JSON (for `.unknown`).
    static func raw(_ data: Data, decoder: JSONDecoder) throws(ARIError) -> ARIJSON {
        do {
            return try decoder.decode(ARIJSON.self, from: data)
        } catch {
            throw ARIError(.malformedEvent, "the message is not JSON: \(error)")
        }
    }
}
