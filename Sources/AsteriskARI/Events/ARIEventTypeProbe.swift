import Foundation

/// Reads an event message's `type` without building the whole JSON tree first.
enum ARIEventTypeProbe {
    private struct Probe: Decodable {
        let type: String?
    }

    /// The `type` of a message.
    /// - Throws: ``ARIError`` `.malformedEvent` when the message is not a JSON object with a string `type`.
    static func type(of data: Data, decoder: JSONDecoder) throws(ARIError) -> String {
        if let type = leadingType(of: data) { return type }
        let probe: Probe
        do {
            probe = try decoder.decode(Probe.self, from: data)
        } catch {
            throw ARIError(.malformedEvent, "the message is not a JSON object with a string type: \(error)")
        }
        guard let type = probe.type else { throw ARIError(.malformedEvent, "the message has no type") }
        return type
    }

    /// Asterisk writes `type` first: `{"type":"StasisStart",…`. Read it straight from the bytes when the
    /// message starts that way and the name is plain ASCII; nil sends the caller to the full probe.
    static func leadingType(of data: Data) -> String? {
        let prefix: [UInt8] = Array(#"{"type":""#.utf8)
        return data.withUnsafeBytes { raw -> String? in
            guard raw.count > prefix.count, raw.starts(with: prefix) else { return nil }
            var end = prefix.count
            while end < raw.count {
                let byte = raw[end]
                if byte == UInt8(ascii: "\"") { break }
                guard byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") else { return nil }
                end += 1
            }
            guard end < raw.count, end > prefix.count else { return nil }
            return String(decoding: UnsafeRawBufferPointer(rebasing: raw[prefix.count..<end]), as: UTF8.self)
        }
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
