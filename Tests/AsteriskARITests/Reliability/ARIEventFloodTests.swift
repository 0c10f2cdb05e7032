import AsteriskTesting
import Foundation
import NIOCore
import Testing

@testable import AsteriskARI

/// An events flood to a subscription nobody reads: the client keeps reading the socket, holds at most
/// its bounds (messages and bytes), drops and counts the oldest, and REST stays answered.
@Suite("ARI events under a flood")
struct ARIEventFloodTests {
    /// 1,000,000 events under `ASTERISK_STRESS=full`, 50,000 otherwise.
    @Test func aMillionEventsToAConsumerThatDoesNotReadStayWithinTheByteBound() async throws {
        let total = StressScale.pick(full: 1_000_000, moderate: 50_000)
        let byteLimit = 4 << 20
        let server = try await FakeARIServer.start()
        let ari = ARIClient(configuration: .init(baseURL: server.baseURL, credentials: .basic("app", "secret"), maxBufferedEventBytes: byteLimit))
        let subscription = try await ari.events(apps: ["flood"], reconnect: .disabled)
        #expect(try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { server.registeredApps.contains("flood") })
        let message = ARIEventFloodTests.dtmf(digit: "5")
        let before = ResidentMemory.bytes()
        let flood = Task { try await server.blast([message], count: total, app: "flood", final: ARIEventFloodTests.dtmf(digit: "#")) }
        // REST is answered during the flood: a consumer that does not read never delays it.
        _ = try await ari.asterisk.ping()
        try await flood.value
        // Everything written has been read (queued or dropped) before anyone reads: the final message too.
        #expect(try await TestTiming.eventually(within: .seconds(30), every: .milliseconds(5)) {
            subscription.queue.waitingCount + subscription.droppedEventCount == total + 1
        })
        var received = 0
        var sawFinal = false
        for try await event in subscription.events {
            guard case .channelDtmfReceived(let dtmf) = event else { continue }
            if dtmf.digit == "#" {
                sawFinal = true
                break
            }
            received += 1
        }
        #expect(sawFinal)
        #expect(received + subscription.droppedEventCount == total)
        // Only what fits in the byte bound waited: each message is over 300 bytes, so fewer than 4 MiB / 300.
        #expect(received < byteLimit / 300)
        #expect(subscription.droppedEventCount > total / 2)
        // Bounded: a buffer that kept every event would hold hundreds of megabytes.
        if StressScale.isFull, let before, let after = ResidentMemory.bytes() { #expect(after - before < 64 << 20) }
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func theMessageBoundDropsTheOldestAndKeepsMarkers() async throws {
        let queue = ARIEventQueue.messages(capacity: 3, byteLimit: .max)
        queue.append(ARIEventFloodTests.buffers(["a", "b"])[...])
        queue.append(marker: .reconnected)
        queue.append(ARIEventFloodTests.buffers(["c", "d", "e"])[...])
        #expect(queue.droppedCount == 2)
        #expect(try await ARIEventFloodTests.drain(queue) == ["reconnected", "c", "d", "e"])
    }

    @Test func theByteBoundCountsEachMessagesLength() async throws {
        // Each message weighs its length plus 64: three 100-byte messages are 492 bytes, over a 400-byte bound.
        let queue = ARIEventQueue.messages(capacity: 1000, byteLimit: 400)
        let hundred = String(repeating: "x", count: 100)
        queue.append(ARIEventFloodTests.buffers([hundred + "1", hundred + "2"])[...])
        #expect(queue.droppedCount == 0)
        queue.append(ARIEventFloodTests.buffers([hundred + "3"])[...])
        #expect(queue.droppedCount == 1)
        #expect(try await ARIEventFloodTests.drain(queue).map { String($0.suffix(1)) } == ["2", "3"])
        // A message larger than the bound on its own is dropped too: the bound always holds.
        queue.append(ARIEventFloodTests.buffers([String(repeating: "y", count: 500)])[...])
        #expect(queue.droppedCount == 2)
        queue.finish()
        #expect(try await ARIEventFloodTests.drain(queue).isEmpty)
    }

    @Test func aTakenBatchNoLongerCountsAgainstTheBound() async throws {
        let queue = ARIEventQueue.messages(capacity: 2, byteLimit: .max)
        queue.append(ARIEventFloodTests.buffers(["a", "b"])[...])
        #expect(try await ARIEventFloodTests.drain(queue) == ["a", "b"])
        queue.append(ARIEventFloodTests.buffers(["c", "d"])[...])
        #expect(queue.droppedCount == 0)
        #expect(try await ARIEventFloodTests.drain(queue) == ["c", "d"])
    }

    private static func dtmf(digit: String) -> String {
        let object: [String: Any] = [
            "type": "ChannelDtmfReceived", "timestamp": "2026-12-07T10:00:00.000+0000", "digit": digit, "duration_ms": 100,
            "channel": FakeARIServer.sampleChannel(id: "flood-1"), "asterisk_id": "02:fc:00:00:00:01", "application": "flood",
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    private static func buffers(_ texts: [String]) -> [ByteBuffer] { texts.map { ByteBuffer(string: $0) } }

    /// Everything queued now, messages as text and markers by name (the queue must not be empty unless finished).
    private static func drain(_ queue: ARIEventQueue) async throws -> [String] {
        var batch = CircularBuffer<ARIEventQueue.Item>()
        guard try await queue.take(into: &batch, isolation: nil) else { return [] }
        return batch.flatMap { item -> [String] in
            switch item {
            case .elements(let run): return run.map { String(buffer: $0) }
            case .marker(.reconnected): return ["reconnected"]
            case .marker: return ["marker"]
            }
        }
    }
}
