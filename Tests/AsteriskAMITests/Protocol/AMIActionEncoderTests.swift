import NIOCore
import Testing

@testable import AsteriskAMI

@Suite("AMIActionEncoder")
struct AMIActionEncoderTests {
    @Test func encodesWithCRLFAndActionIDLast() throws {
        var buffer = ByteBuffer()
        try AMIActionEncoder.encode(
            action: "Setvar", headers: [.init(name: "Variable", value: "LABVAR"), .init(name: "Value", value: "hello world: with colon")],
            actionID: "sv-1", into: &buffer)
        #expect(String(buffer: buffer) == "Action: Setvar\r\nVariable: LABVAR\r\nValue: hello world: with colon\r\nActionID: sv-1\r\n\r\n")
    }

    @Test(arguments: [
        AMIHeader(name: "Value", value: "x\r\nAction: Command"),
        AMIHeader(name: "Value", value: "x\nEvent: Fake"),
        AMIHeader(name: "Value", value: "x\rY"),
        AMIHeader(name: "Val\nue", value: "x"),
        AMIHeader(name: "Key:Value", value: "x"),
        AMIHeader(name: "", value: "x"),
        AMIHeader(name: "ActionID", value: "mine"),
        AMIHeader(name: "action", value: "Command"),
        AMIHeader(name: "Value", value: "nul\u{0}byte"),
    ])
    func rejectsInjectionBeforeWriting(header: AMIHeader) throws {
        var buffer = ByteBuffer(string: "untouched")
        do {
            try AMIActionEncoder.encode(action: "Setvar", headers: [header], actionID: "a", into: &buffer)
            Issue.record("\(header) was accepted")
        } catch {
            #expect(error.code == .invalidHeader)
        }
        #expect(String(buffer: buffer) == "untouched")
    }

    @Test func rejectsBadActionNamesAndActionIDs() {
        var buffer = ByteBuffer()
        #expect(throws: AMIError.self) { try AMIActionEncoder.encode(action: "Ping\r\nAction: Command", headers: [], actionID: nil, into: &buffer) }
        #expect(throws: AMIError.self) { try AMIActionEncoder.encode(action: "Ping", headers: [], actionID: "a\r\nb", into: &buffer) }
        #expect(buffer.readableBytes == 0)
    }

    @Test func roundTripsThroughTheParser() throws {
        var buffer = ByteBuffer()
        let headers = [AMIHeader(name: "Channel", value: "PJSIP/100"), AMIHeader(name: "Variable", value: "A=1"), AMIHeader(name: "Variable", value: "B=2")]
        try AMIActionEncoder.encode(action: "Originate", headers: headers, actionID: "o-1", into: &buffer)
        var parser = AMIFrameParser(expectsBanner: false)
        guard case .message(let message)? = try parser.next(from: &buffer) else {
            Issue.record("no frame")
            return
        }
        #expect(message["Action"] == "Originate")
        #expect(message.values(for: "Variable") == ["A=1", "B=2"])
        #expect(message["ActionID"] == "o-1")
    }

    @Test func md5KeyMatchesARealAsteriskChallenge() {
        // From ami-md5-login.jsonl: challenge 108423005, secret labsecret.
        #expect(AMIClient.md5Key(challenge: "108423005", secret: "labsecret") == "8e84122a6c4d2a766c7d1322f3ac8f9a")
    }
}
