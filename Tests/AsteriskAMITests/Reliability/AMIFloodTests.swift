import AsteriskTesting
import Testing

@testable import AsteriskAMI

/// Floods and hostile peers: the client's memory stays bounded, every pending action ends with a
/// typed error, nothing hangs.
@Suite("AMI under floods and hostile peers")
struct AMIFloodTests {
    @Test func aHundredMegabyteHeaderLineIsCutOffAtTheLineLimit() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server, reconnect: .disabled)
        try await client.connect()
        server.neverRespond(to: "Status")
        async let pending: AMIResponse = client.send(action: "Status", timeout: .seconds(60))
        try await Task.sleep(for: .milliseconds(30))
        let before = ResidentMemory.bytes()
        _ = await server.sendRawAndWait(Array("Event: Huge\r\nData: ".utf8))
        let chunk = [UInt8](repeating: 65, count: 1 << 20)
        var accepted = 0
        for _ in 0..<100 {
            guard await server.sendRawAndWait(chunk) == 1 else { break }
            accepted += 1
        }
        do {
            _ = try await pending
            Issue.record("the pending action survived a 100 MB line")
        } catch let error as AMIError {
            #expect(error.code == .lineTooLong)
        }
        // The client hung up long before 100 MB had crossed (the rest is whatever the sockets buffered).
        #expect(accepted < 100)
        if StressScale.isFull, let before, let after = ResidentMemory.bytes() { #expect(after - before < 64 << 20) }
        await client.close()
        await server.stop()
    }

    /// 1,000,000 events under `ASTERISK_STRESS=full`, 50,000 otherwise.
    @Test func aMillionEventsToAConsumerThatDoesNotReadStayBounded() async throws {
        let total = StressScale.pick(full: 1_000_000, moderate: 50_000)
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        let subscription = client.subscribe(.names("Flood", "FloodDone"), bufferCapacity: 1000)
        let before = ResidentMemory.bytes()
        let flood = Task { await server.flood(AMIEvent(name: "Flood", headers: [.init(name: "Seq", value: "12345678")]), count: total) }
        // Actions are answered during the flood: a slow consumer never delays responses.
        _ = try await client.send(PingAction(), timeout: .seconds(30))
        await flood.value
        server.emit(event: "FloodDone")
        var received = 0
        var dropped = 0
        for try await item in subscription {
            switch item {
            case .event(let event):
                if event.isNamed("FloodDone") { subscription.cancel() } else { received += 1 }
            case .eventsDropped(let count): dropped += count
            default: break
            }
        }
        #expect(received + dropped == total)
        // Nobody read during the flood: most events were dropped (what arrived once reading began got through).
        #expect(dropped >= total / 2)
        // Bounded: a buffer that kept every event would hold hundreds of megabytes.
        if StressScale.isFull, let before, let after = ResidentMemory.bytes() { #expect(after - before < 64 << 20) }
        await client.close()
        await server.stop()
    }

    @Test func aServerThatStopsReadingGetsTimeoutsThenRefusalsNotUnboundedBuffers() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server, reconnect: .disabled)
        try await client.connect()
        server.setReading(false)
        try await Task.sleep(for: .milliseconds(50))
        // Big actions, sent faster than anyone reads them: more than the sockets and the write buffer hold.
        let filler = String(repeating: "x", count: 8 * 1024)
        @Sendable func fill(_ index: Int) async -> AMIError.Code? {
            do {
                _ = try await client.send(action: "UserEvent", headers: [
                    AMIHeader(name: "UserEvent", value: "Fill\(index)"), AMIHeader(name: "Data", value: filler),
                ], timeout: .milliseconds(500))
                return nil
            } catch let error as AMIError {
                return error.code
            } catch {
                return nil
            }
        }
        var codes: [AMIError.Code: Int] = [:]
        await withTaskGroup(of: AMIError.Code?.self) { group in
            for index in 0..<3000 { group.addTask { await fill(index) } }
            for await code in group { if let code { codes[code, default: 0] += 1 } }
        }
        // Every action ended with a typed error: those queued timed out, any beyond the limit were refused.
        #expect(codes.values.reduce(0, +) == 3000)
        #expect(Set(codes.keys).isSubset(of: [.timeout, .peerNotReading]))
        // With the buffer full, further actions are refused at once instead of piling up.
        var refused = 0
        for index in 0..<20 where await fill(3000 + index) == .peerNotReading { refused += 1 }
        #expect(refused == 20)
        // Once the server reads again, the connection works.
        server.setReading(true)
        var answered = false
        for _ in 0..<200 where !answered {
            answered = (try? await client.send(PingAction(), timeout: .seconds(2))) != nil
            if !answered { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(answered)
        await client.close()
        await server.stop()
    }
}
