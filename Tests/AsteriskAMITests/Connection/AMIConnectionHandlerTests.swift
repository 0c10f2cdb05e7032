import NIOCore
import NIOEmbedded
import Testing

@testable import AsteriskAMI

@Suite("AMIConnectionHandler (EmbeddedChannel)")
struct AMIConnectionHandlerTests {
    private func makeChannel(hub: AMIEventHub) throws -> (EmbeddedChannel, EventLoopFuture<AMIBanner>) {
        let channel = EmbeddedChannel()
        let banner = channel.eventLoop.makePromise(of: AMIBanner.self)
        let reason = NIOLoopBoundBox<AMIError?>.makeEmptyBox(valueType: AMIError.self, eventLoop: channel.eventLoop)
        try channel.pipeline.syncOperations.addHandler(
            AMIConnectionHandler(limits: .init(), hub: hub, bannerPromise: banner, terminationReason: reason, logger: .init(label: "test")))
        return (channel, banner.futureResult)
    }

    @Test(arguments: [17, 333, 1000, 4096, 65536])
    func everyEventArrivesWhateverTheReadSize(chunkSize: Int) async throws {
        let hub = AMIEventHub()
        let subscriber = hub.subscribe(filter: .all, capacity: 1_000_000)
        let (channel, banner) = try makeChannel(hub: hub)
        let stream = try CaptureFixture.inboundStreams("ami-event-stream")[0].flatMap { $0 }
        var offset = 0
        while offset < stream.count {
            let end = min(offset + chunkSize, stream.count)
            try channel.writeInbound(channel.allocator.buffer(bytes: stream[offset..<end]))
            channel.pipeline.fireChannelReadComplete()
            offset = end
        }
        #expect(try await banner.get().version == "12.0.0")
        var batch = CircularBuffer<AMIQueuedItem>()
        _ = try await subscriber.take(into: &batch)
        let count = batch.reduce(0) { total, item in
            if case .elements(let run) = item { return total + run.count } else { return total }
        }
        // Every frame of the capture except the login response is an unsolicited event or response.
        var parser = AMIFrameParser()
        var whole = ByteBuffer(bytes: stream)
        var expected = 0
        while let output = try parser.next(from: &whole) {
            if case .message(let message) = output, message.kind == .event { expected += 1 }
        }
        #expect(count == expected)
        _ = try? channel.finish()
    }

    @Test func blankLineSearchSpansTheReadBoundary() {
        func cut(_ pending: String, _ incoming: String) -> Int? {
            AMIConnectionHandler.firstBlankLineEnd(in: ByteBuffer(string: incoming), after: ByteBuffer(string: pending))
        }
        #expect(cut("Event: A\r\nX: 1\r\n", "\r\nEvent: B") == 2)
        #expect(cut("Event: A\r\nX: 1\r", "\n\r\nEvent: B") == 3)
        #expect(cut("Event: A\r\nX: 1\r\n\r", "\nEvent: B") == 1)
        #expect(cut("Event: A\nX: 1\n", "\nEvent: B") == 1)
        #expect(cut("Event: A\r\nX", ": 1\r\nY: 2\r\n\r\nEvent: B") == 13)
        #expect(cut("Event: A\r\n", "X: 1\r\n") == nil)
    }

    @Test func aNonAMIBannerClosesTheConnection() async throws {
        let (channel, banner) = try makeChannel(hub: AMIEventHub())
        try channel.writeInbound(ByteBuffer(string: "SSH-2.0-OpenSSH_9.2\r\n"))
        await #expect(throws: AMIError.self) { try await banner.get() }
        #expect(!channel.isActive)
    }
}
