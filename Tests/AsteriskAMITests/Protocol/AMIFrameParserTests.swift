import NIOCore
import Testing

@testable import AsteriskAMI

/// Parses everything in `chunks`, fed one chunk at a time.
private func parseAll(
    _ chunks: [[UInt8]], limits: AMIFrameParser.Limits = .init(), expectsBanner: Bool = true
) throws -> [AMIFrameParser.Output] {
    var parser = AMIFrameParser(limits: limits, expectsBanner: expectsBanner)
    var buffer = ByteBuffer()
    var outputs: [AMIFrameParser.Output] = []
    for chunk in chunks {
        buffer.writeBytes(chunk)
        while let output = try parser.next(from: &buffer) { outputs.append(output) }
    }
    return outputs
}

private func messages(_ outputs: [AMIFrameParser.Output]) -> [AMIMessage] {
    outputs.compactMap { if case .message(let message) = $0 { return message } else { return nil } }
}

@Suite("AMIFrameParser")
struct AMIFrameParserTests {
    @Test func parsesBannerAndFrame() throws {
        let outputs = try parseAll([Array("Asterisk Call Manager/12.0.0\r\nResponse: Success\r\nActionID: a-1\r\nPing: Pong\r\n\r\n".utf8)])
        #expect(outputs.count == 2)
        guard case .banner(let banner) = outputs[0] else {
            Issue.record("expected a banner first")
            return
        }
        #expect(banner.version == "12.0.0")
        #expect(banner.versionComponents == [12, 0, 0])
        #expect(banner.isAsteriskManager)
        let message = try #require(messages(outputs).first)
        #expect(message.kind == .response)
        #expect(message["ping"] == "Pong")
        #expect(message["ACTIONID"] == "a-1")
        #expect(message.headers.map(\.name) == ["Response", "ActionID", "Ping"])
    }

    @Test func acceptsBareLineFeedsAndTrimsValues() throws {
        let text = "Event: VarSet\nVariable:   LABVAR  \nValue: hello world: with colon\n\n"
        let message = try #require(messages(try parseAll([Array(text.utf8)], expectsBanner: false)).first)
        #expect(message.kind == .event)
        #expect(message["Variable"] == "LABVAR")
        #expect(message["Value"] == "hello world: with colon")
    }

    @Test func keepsRepeatedKeysInOrder() throws {
        let text = "Action: Originate\r\nVariable: V1=one\r\nChanVariable(FOO): bar\r\nVariable: V2=two\r\n\r\n"
        let message = try #require(messages(try parseAll([Array(text.utf8)], expectsBanner: false)).first)
        #expect(message.values(for: "variable") == ["V1=one", "V2=two"])
        #expect(message["ChanVariable(FOO)"] == "bar")
        #expect(message.count == 4)
        #expect(message.kind == .other)
    }

    @Test func handlesEmptyValuesAndLinesWithoutColon() throws {
        let text = "Response: Success\r\nHint: \r\nweird line\r\n\r\n"
        let message = try #require(messages(try parseAll([Array(text.utf8)], expectsBanner: false)).first)
        #expect(message["Hint"] == "")
        #expect(message.contains("weird line"))
        #expect(message["weird line"] == "")
    }

    @Test func feedsByteByByteWithSplitCRLF() throws {
        let text = "Asterisk Call Manager/9.0.0\r\nEvent: A\r\nX: 1\r\n\r\nEvent: B\r\nY: 2\r\n\r\n"
        let outputs = try parseAll(text.utf8.map { [$0] })
        let frames = messages(outputs)
        #expect(frames.count == 2)
        #expect(frames[0]["X"] == "1")
        #expect(frames[1]["Event"] == "B")
    }

    @Test func skipsStrayBlankLines() throws {
        let text = "\r\n\r\nEvent: A\r\n\r\n\r\nEvent: B\r\n\r\n"
        #expect(messages(try parseAll([Array(text.utf8)], expectsBanner: false)).count == 2)
    }

    @Test func parsesLegacyCommandBody() throws {
        let text = "Response: Follows\r\nPrivilege: Command\r\nActionID: c-1\r\n"
            + "Channel  Location  State\r\n\r\nKey: looks like a header\r\n0 active channels--END COMMAND--\r\n\r\n"
            + "Event: After\r\n\r\n"
        let frames = messages(try parseAll([Array(text.utf8)], expectsBanner: false))
        #expect(frames.count == 2)
        let response = AMIResponse(message: frames[0])
        #expect(response.isSuccess)
        #expect(response.actionID == "c-1")
        #expect(response["Privilege"] == "Command")
        #expect(response.output == ["Channel  Location  State", "", "Key: looks like a header", "0 active channels"])
        #expect(frames[1]["Event"] == "After")
    }

    @Test func parsesModernCommandOutput() throws {
        let text = "Response: Success\r\nActionID: cmd-1\r\nMessage: Command output follows\r\nOutput: line one\r\nOutput: \r\nOutput: line: three\r\n\r\n"
        let frame = try #require(messages(try parseAll([Array(text.utf8)], expectsBanner: false)).first)
        #expect(AMIResponse(message: frame).output == ["line one", "", "line: three"])
    }

    @Test func rejectsAnOverlongLineEvenWithoutNewline() throws {
        let limits = AMIFrameParser.Limits(maxLineLength: 100, maxHeaderCount: 10)
        #expect(throws: AMIError.self) {
            _ = try parseAll([Array("Event: X\r\nY: ".utf8), [UInt8](repeating: 65, count: 200)], limits: limits, expectsBanner: false)
        }
        do {
            _ = try parseAll([Array("Event: X\r\nY: \(String(repeating: "a", count: 150))\r\n\r\n".utf8)], limits: limits, expectsBanner: false)
            Issue.record("an overlong complete line was accepted")
        } catch let error as AMIError {
            #expect(error.code == .lineTooLong)
        }
    }

    @Test func rejectsTooManyHeaders() throws {
        let limits = AMIFrameParser.Limits(maxLineLength: 100, maxHeaderCount: 10)
        let text = "Event: X\r\n" + (0..<20).map { "H\($0): v\r\n" }.joined()
        do {
            _ = try parseAll([Array(text.utf8)], limits: limits, expectsBanner: false)
            Issue.record("too many headers were accepted")
        } catch let error as AMIError {
            #expect(error.code == .tooManyHeaders)
        }
    }

    @Test func decodesInvalidUTF8LossilyAndKeepsRawBytes() throws {
        let bytes: [UInt8] = Array("Event: Bad\r\nName: ".utf8) + [0xFF, 0xFE, 0x41] + Array("\r\n\r\n".utf8)
        let frame = try #require(messages(try parseAll([bytes], expectsBanner: false)).first)
        #expect(frame["Name"] == "\u{FFFD}\u{FFFD}A")
        let raw = try #require(frame.rawValue(for: "Name"))
        #expect(Array(raw.readableBytesView) == [0xFF, 0xFE, 0x41])
    }

    @Test func doesNotRescanWhenFramesArriveInPieces() throws {
        var parser = AMIFrameParser(expectsBanner: false)
        var buffer = ByteBuffer(string: "Event: Partial\r\nA: 1\r\n")
        #expect(try parser.next(from: &buffer) == nil)
        buffer.writeString("B: 2\r\n\r\n")
        let output = try #require(try parser.next(from: &buffer))
        guard case .message(let message) = output else {
            Issue.record("expected a message")
            return
        }
        #expect(message.headers.map(\.name) == ["Event", "A", "B"])
        #expect(buffer.readableBytes == 0)
    }

    @Test func bannerOfSomethingElseIsNotAnAsteriskManager() {
        #expect(!AMIBanner(line: "SSH-2.0-OpenSSH_9.2").isAsteriskManager)
        #expect(AMIBanner(line: "Asterisk Call Manager/9.0.0").version == "9.0.0")
    }
}

@Suite("Recorded captures")
struct AMICaptureParsingTests {
    @Test(arguments: CaptureFixture.amiCaptures)
    func everyCaptureParsesWholeAndChunked(name: String) throws {
        for stream in try CaptureFixture.inboundStreams(name) {
            let joined = stream.flatMap { $0 }
            let whole = try parseAll([joined])
            let chunked = try parseAll(stream)
            #expect(whole == chunked)
            // The banner comes first, then one message per blank-line-terminated frame.
            guard case .banner(let banner)? = whole.first else {
                Issue.record("\(name): no banner")
                continue
            }
            #expect(banner.isAsteriskManager)
            let text = String(decoding: joined, as: UTF8.self)
            let expectedFrames = text.components(separatedBy: "\r\n\r\n").dropFirst(0)
                .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }.count
            #expect(messages(whole).count == expectedFrames)
            for message in messages(whole) {
                #expect(message.kind != .other, "\(name): unexpected frame \(message.wireText)")
            }
        }
    }

    @Test func eventStreamCaptureHasEveryFrame() throws {
        let streams = try CaptureFixture.inboundStreams("ami-event-stream")
        let frames = messages(try parseAll(streams.flatMap { $0 }))
        #expect(frames.count >= 1339)
        #expect(frames.filter { $0.kind == .event }.count + frames.filter { $0.kind == .response }.count == frames.count)
        #expect(frames.filter { $0.kind == .event }.count > 1200)
    }

    @Test func byteByByteOnSmallCaptures() throws {
        for name in ["ami-basic", "ami-md5-login", "asterisk-20/ami-basic"] {
            for stream in try CaptureFixture.inboundStreams(name) {
                let joined = stream.flatMap { $0 }
                #expect(try parseAll(joined.map { [$0] }) == parseAll([joined]))
            }
        }
    }
}
