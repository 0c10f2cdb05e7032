import NIOCore

/// Serialises actions to AMI wire bytes, refusing anything that could inject extra headers or frames.
public enum AMIActionEncoder {
    /// Writes `Action: name`, the headers in order, then `ActionID`, each line ended by `\r\n`, and the closing blank line.
    ///
    /// Nothing is written when validation fails: `buffer` is left as it was.
    /// - Throws: ``AMIError`` `.invalidHeader` when a name is empty or holds CR, LF or `:`, when a value
    ///   holds CR or LF, or when the headers try to set `Action` or `ActionID` themselves.
    public static func encode(
        action: String, headers: [AMIHeader], actionID: String?, into buffer: inout ByteBuffer
    ) throws(AMIError) {
        try validate(action: action, headers: headers, actionID: actionID)
        buffer.writeStaticString("Action: ")
        buffer.writeString(action)
        buffer.writeStaticString("\r\n")
        for header in headers {
            buffer.writeString(header.name)
            buffer.writeStaticString(": ")
            buffer.writeString(header.value)
            buffer.writeStaticString("\r\n")
        }
        if let actionID {
            buffer.writeStaticString("ActionID: ")
            buffer.writeString(actionID)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
    }

    /// Writes a frame of arbitrary headers (responses and events, as the fake server sends them).
    public static func encode(frame headers: [AMIHeader], into buffer: inout ByteBuffer) throws(AMIError) {
        for header in headers {
            try validateName(header.name, context: "header")
            try validateValue(header.value, name: header.name)
        }
        for header in headers {
            buffer.writeString(header.name)
            buffer.writeStaticString(": ")
            buffer.writeString(header.value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
    }

    /// Checks an action without writing it.
    public static func validate(action: String, headers: [AMIHeader], actionID: String?) throws(AMIError) {
        try validateName(action, context: "action name")
        if let actionID { try validateValue(actionID, name: "ActionID") }
        for header in headers {
            try validateName(header.name, context: "header")
            try validateValue(header.value, name: header.name)
            if header.name.utf8.elementsEqualIgnoringASCIICase("action") || header.name.utf8.elementsEqualIgnoringASCIICase("actionid") {
                throw AMIError(
                    .invalidHeader, "the header '\(header.name)' is set by the client and may not be passed in",
                    action: action)
            }
        }
    }

    private static func validateName(_ name: String, context: String) throws(AMIError) {
        if name.isEmpty {
            throw AMIError(.invalidHeader, "an empty \(context) cannot be sent")
        }
        for byte in name.utf8 where byte == AMIASCII.cr || byte == AMIASCII.lf || byte == AMIASCII.colon || byte == 0 {
            throw AMIError(.invalidHeader, "the \(context) \(name.debugDescription) contains CR, LF, NUL or ':' and was not sent")
        }
        if name.utf8.first.map(AMIASCII.isBlank) == true || name.utf8.last.map(AMIASCII.isBlank) == true {
            throw AMIError(.invalidHeader, "the \(context) \(name.debugDescription) has leading or trailing blanks")
        }
    }

    private static func validateValue(_ value: String, name: String) throws(AMIError) {
        for byte in value.utf8 where byte == AMIASCII.cr || byte == AMIASCII.lf || byte == 0 {
            throw AMIError(
                .invalidHeader, "the value of '\(name)' contains CR, LF or NUL and was not sent (AMI header injection)")
        }
    }
}

extension String.UTF8View {
    /// Compares with a lowercase ASCII pattern, ignoring case.
    func elementsEqualIgnoringASCIICase(_ lowercased: StaticString) -> Bool {
        AMIASCII.equalsIgnoringCase(self, lowercased)
    }
}
