import Foundation

/// Reads an event message's `type` without decoding the whole message first.
enum ARIEventTypeProbe {
    /// The `type` of a message.
    ///
    /// Members before `type` are stepped over without building their names, and reading stops at the
    /// first string `type`: the message is checked in full by whoever decodes it (a message of a type
    /// nobody asked for is skipped unread, as with the leading `type` of ``leadingType(of:)``).
    /// - Throws: ``ARIError`` `.malformedEvent` when the message is not a JSON object with a string `type`.
    static func type(of bytes: UnsafeRawBufferPointer) throws(ARIError) -> String {
        if let type = leadingType(of: bytes) { return type }
        var reader = ARIJSONReader(bytes)
        do {
            try reader.beginObject()
            while let key = try reader.nextMemberKey() {
                guard reader.key(key, is: "type") else {
                    try reader.skipValue()
                    continue
                }
                if let type = try reader.readOptional(String.self) { return type }
            }
            try reader.finish()
        } catch {
            throw ARIError(.malformedEvent, "the message is not a JSON object with a string type: \(error)")
        }
        throw ARIError(.malformedEvent, "the message has no type")
    }

    /// ``type(of:)-(UnsafeRawBufferPointer)`` for `Data`.
    static func type(of data: Data) throws(ARIError) -> String {
        try data.withUnsafeBytes { bytes in Result { () throws(ARIError) in try type(of: bytes) } }.get()
    }

    /// Asterisk writes `type` first: `{"type":"StasisStart",…`. Read it straight from the bytes when the
    /// message starts that way and the name is plain ASCII; nil sends the caller to the full probe.
    static func leadingType(of raw: UnsafeRawBufferPointer) -> String? {
        let prefix: StaticString = #"{"type":""#
        let count = prefix.utf8CodeUnitCount
        guard raw.count > count, prefix.withUTF8Buffer({ raw.starts(with: $0) }) else { return nil }
        var end = count
        while end < raw.count {
            let byte = raw[end]
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") else { return nil }
            end += 1
        }
        guard end < raw.count, end > count else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: raw[count..<end]), as: UTF8.self)
    }

    /// ``leadingType(of:)-(UnsafeRawBufferPointer)`` for `Data`.
    static func leadingType(of data: Data) -> String? {
        data.withUnsafeBytes { leadingType(of: $0) }
    }

    /// The whole message as JSON (for `.unknown`).
    static func raw(_ bytes: UnsafeRawBufferPointer) throws(ARIError) -> ARIJSON {
        do {
            return try ARIJSONReader.read(ARIJSON.self, from: bytes)
        } catch {
            throw ARIError(.malformedEvent, "the message is not JSON: \(error)")
        }
    }
}
