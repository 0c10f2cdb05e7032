import AsteriskAGI
import AsteriskTesting
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pipe as (read end, write end).
private func makePipe() throws -> (read: CInt, write: CInt) {
    var fds: [CInt] = [0, 0]
    try #require(pipe(&fds) == 0, "pipe() failed")
    return (fds[0], fds[1])
}

@Suite("Classic AGI over pipes", .serialized)
struct ClassicAGITests {
    @Test func aScriptTalksThroughStdinAndStdout() async throws {
        let toScript = try makePipe()
        let fromScript = try makePipe()
        async let record = FakeAGICaller.drive(
            toScript: toScript.write, fromScript: fromScript.read, arguments: ["a1", "a 2"],
            dialogue: FakeAGIDialogue(digitEntries: ["42"], variables: ["CALLERID(num)": "5551234"]))
        let call = try await ClassicAGI.connect(input: toScript.read, output: fromScript.write, handlesSIGHUP: false)
        #expect(!call.environment.isNetwork)
        #expect(call.environment.arguments == ["a1", "a 2"])
        try await call.answer()
        #expect(try await call.getData("beep", timeout: .seconds(3), maxDigits: 3).digits == "42")
        #expect(try await call.getVariable("CALLERID(num)") == "5551234")
        try await call.setVariable("RESULT", "ok done")
        await call.close()
        let dialogue = try await record
        #expect(dialogue.commands.map(\.line) == [
            "ANSWER", "GET DATA beep 3000 3", "GET VARIABLE CALLERID(num)", #"SET VARIABLE RESULT "ok done""#,
        ])
        #expect(dialogue.variables["RESULT"] == "ok done")
    }

    @Test func hangupNoticeOnStdinIsSeen() async throws {
        let toScript = try makePipe()
        let fromScript = try makePipe()
        async let record = FakeAGICaller.drive(
            toScript: toScript.write, fromScript: fromScript.read, dialogue: FakeAGIDialogue(hangUpAt: "STREAM FILE"))
        let call = try await ClassicAGI.connect(input: toScript.read, output: fromScript.write, handlesSIGHUP: false)
        await #expect(throws: AGIError.self) { try await call.streamFile("prompt") }
        #expect(call.isHungUp)
        await call.close()
        #expect(try await record.hungUp)
    }

    @Test func sighupBecomesTheHangupFlagInsteadOfEndingTheProgram() async throws {
        let toScript = try makePipe()
        let fromScript = try makePipe()
        async let record = FakeAGICaller.drive(toScript: toScript.write, fromScript: fromScript.read)
        let call = try await ClassicAGI.connect(input: toScript.read, output: fromScript.write, handlesSIGHUP: true)
        #expect(!call.isHungUp)
        kill(getpid(), SIGHUP)  // process-directed, like Asterisk's; any thread not blocking it takes it
        _ = try await TestTiming.eventually(within: .seconds(1), every: .milliseconds(2)) { call.isHungUp }
        #expect(call.isHungUp)
        await call.close()
        _ = try await record
    }

    @Test func inputThatIsNotAnEnvironmentFailsWithATypedError() async throws {
        let toScript = try makePipe()
        let fromScript = try makePipe()
        let garbage = Array("GET / HTTP/1.1\r\n\r\n".utf8)
        _ = garbage.withUnsafeBytes { write(toScript.write, $0.baseAddress, $0.count) }
        close(toScript.write)
        do {
            _ = try await ClassicAGI.connect(input: toScript.read, output: fromScript.write, handlesSIGHUP: false)
            Issue.record("garbage was accepted as an environment")
        } catch let error as AGIError {
            #expect(error.code == .malformedEnvironment)
        }
        close(fromScript.read)
    }

    @Test func eagiAudioArrivesInFrames() async throws {
        let audio = try makePipe()
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        let writer = Task.detached {
            _ = bytes.withUnsafeBytes { write(audio.write, $0.baseAddress, $0.count) }
            close(audio.write)
        }
        let frames = try await ClassicAGI.withAudio(descriptor: audio.read, frameSize: 320) { frames in
            var collected: [ByteBuffer] = []
            for try await frame in frames { collected.append(frame) }
            return collected
        }
        await writer.value
        #expect(frames.map(\.readableBytes) == [320, 320, 320, 40])
        #expect(frames.flatMap { Array($0.readableBytesView) } == bytes)
    }

    /// A long call's audio (2 MB here, about two minutes of 8 kHz 16-bit) in writes that do not line up
    /// with frames: every byte arrives in order, and no frame's buffer holds more than a read's worth
    /// (a buffer that kept growing would end up holding the whole call).
    @Test func longEAGIAudioKeepsBuffersSmall() async throws {
        let audio = try makePipe()
        let total = 2 << 20
        let writer = Task.detached {
            var chunk = [UInt8](repeating: 0, count: 1000)
            var sent = 0
            while sent < total {
                let count = min(chunk.count, total - sent)
                for index in 0..<count { chunk[index] = UInt8((sent + index) % 251) }
                var offset = 0
                while offset < count {
                    let written = chunk.withUnsafeBytes { write(audio.write, $0.baseAddress! + offset, count - offset) }
                    guard written > 0 else { break }
                    offset += written
                }
                sent += count
            }
            close(audio.write)
        }
        let (count, inOrder, largestStorage) = try await ClassicAGI.withAudio(descriptor: audio.read, frameSize: 320) { frames in
            var count = 0
            var inOrder = true
            var largestStorage = 0
            for try await frame in frames {
                for (index, byte) in frame.readableBytesView.enumerated() where byte != UInt8((count + index) % 251) { inOrder = false }
                count += frame.readableBytes
                largestStorage = max(largestStorage, frame.storageCapacity)
            }
            return (count, inOrder, largestStorage)
        }
        await writer.value
        #expect(count == total)
        #expect(inOrder)
        #expect(largestStorage < 1 << 20, "a frame's buffer held \(largestStorage) bytes")
    }
}
