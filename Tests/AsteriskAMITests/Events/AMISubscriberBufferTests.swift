import NIOCore
import Testing

@testable import AsteriskAMI

private func events(_ range: Range<Int>) -> [AMIEvent] {
    range.map { AMIEvent(name: "E", headers: [AMIHeader(name: "N", value: String($0))]) }
}

/// Drains everything currently queued (the buffer must be finished or non-empty).
private func drain(_ buffer: AMISubscriberBuffer) async throws -> [AMIStreamElement<AMIEvent>] {
    var batch = CircularBuffer<AMIQueuedItem>()
    var out: [AMIStreamElement<AMIEvent>] = []
    guard try await buffer.take(into: &batch) else { return out }
    for item in batch {
        switch item {
        case .elements(let run): out += run.map { .event($0) }
        case .marker(let marker): out.append(marker)
        }
    }
    return out
}

@Suite("AMISubscriberBuffer")
struct AMISubscriberBufferTests {
    @Test func dropsOldestEventsKeepsMarkersAndCounts() async throws {
        let buffer = AMISubscriberBuffer(id: 1, filter: .all, capacity: 5)
        buffer.append(events(0..<3))
        buffer.append(marker: .reconnected)
        buffer.append(events(3..<10))
        #expect(buffer.droppedEventCount == 5)
        let items = try await drain(buffer)
        guard case .eventsDropped(5) = items.first else {
            Issue.record("no drop marker first: \(items)")
            return
        }
        let numbers = items.compactMap { item -> String? in if case .event(let e) = item { return e["N"] } else { return nil } }
        #expect(numbers == ["5", "6", "7", "8", "9"])
        #expect(items.contains { if case .reconnected = $0 { true } else { false } })
    }

    @Test func filtersBeforeBuffering() async throws {
        let buffer = AMISubscriberBuffer(id: 1, filter: .matching { Int($0["N"] ?? "") ?? 0 >= 8 }, capacity: 100)
        buffer.append(events(0..<10))
        let items = try await drain(buffer)
        #expect(items.count == 2)
        #expect(buffer.droppedEventCount == 0)
    }

    @Test func finishDeliversQueuedItemsThenEndsWithTheError() async throws {
        let buffer = AMISubscriberBuffer(id: 1, filter: .all, capacity: 10)
        buffer.append(events(0..<2))
        buffer.finish(error: AMIError(.connectionClosed, "gone"))
        #expect(try await drain(buffer).count == 2)
        await #expect(throws: AMIError.self) { _ = try await drain(buffer) }
        buffer.append(events(0..<2))
        #expect(try await drain(buffer).isEmpty)
    }

    @Test func aWaitingConsumerIsWokenAndCancellationEndsTheWait() async throws {
        let buffer = AMISubscriberBuffer(id: 1, filter: .all, capacity: 10)
        async let woken = drain(buffer)
        try await Task.sleep(for: .milliseconds(20))
        buffer.append(events(0..<1))
        #expect(try await woken.count == 1)
        let waiting = Task { try await drain(buffer) }
        try await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        #expect(try await waiting.value.isEmpty)
    }
}
