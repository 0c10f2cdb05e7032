import AsteriskTesting
import Testing

@testable import AsteriskAMI

@Suite("AMIClient faults and lifecycle")
struct AMIClientFaultTests {
    @Test func connectionLossFailsPendingActionsAtOnce() async throws {
        let server = try await FakeAMIServer.start()
        server.neverRespond(to: "Status")
        let client = makeClient(server, reconnect: .disabled)
        try await client.connect()
        let clock = ContinuousClock()
        async let pending: AMIResponse = client.send(action: "Status", timeout: .seconds(30))
        try await Task.sleep(for: .milliseconds(50))
        let lostAt = clock.now
        server.dropAllConnections()
        do {
            _ = try await pending
            Issue.record("pending action survived the connection")
        } catch let error as AMIError {
            #expect(error.code == .connectionClosed)
            #expect(error.action == "Status")
        }
        // Far below the action's 30 s timeout: the loss ended it, not the timeout. (The bound is loose
        // because every suite runs in parallel on a small, busy machine.)
        #expect(clock.now - lostAt < TestTiming.scaled(.seconds(10)))
        await client.close()
        await server.stop()
    }

    @Test func reconnectsLogsInAgainRestoresFiltersAndKeepsStreams() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        try await client.addFilter("Event: LabEvent")
        let subscription = client.subscribe(.names("LabEvent"))
        var iterator = subscription.makeAsyncIterator()

        server.emit(event: "Other", ["X": "1"])
        server.emit(event: "LabEvent", ["N": "1"])
        guard case .event(let first)? = try await iterator.next() else {
            Issue.record("no first event")
            return
        }
        #expect(first["N"] == "1")

        server.dropAllConnections()
        guard case .connectionLost(let error)? = try await iterator.next() else {
            Issue.record("no connectionLost marker")
            return
        }
        #expect(error.code == .connectionClosed)
        guard case .reconnected? = try await iterator.next() else {
            Issue.record("no reconnected marker")
            return
        }
        #expect(client.connectionState.isConnected)
        let logins = server.receivedActions.filter { $0["Action"] == "Login" }.count
        #expect(logins == 2)
        let filters = server.receivedActions.filter { $0["Action"] == "Filter" }.compactMap { $0["Filter"] }
        #expect(filters == ["Event: LabEvent", "Event: LabEvent"])

        server.emit(event: "LabEvent", ["N": "2"])
        guard case .event(let second)? = try await iterator.next() else {
            Issue.record("stream did not survive the reconnect")
            return
        }
        #expect(second["N"] == "2")
        _ = try await client.send(PingAction())
        await client.close()
        #expect(try await iterator.next() == nil)
        await server.stop()
    }

    @Test func serverRestartIsSurvived() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        var states = client.connectionStates().makeAsyncIterator()
        #expect(await states.next()?.isConnected == true)
        await server.stop()
        guard case .reconnecting? = await states.next() else {
            Issue.record("no reconnecting state")
            return
        }
        try await server.restart()
        while let state = await states.next() {
            if state.isConnected { break }
        }
        _ = try await client.send(PingAction())
        await client.close()
        await server.stop()
    }

    @Test func lostForGoodEndsStreamsWithTheError() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server, reconnect: .disabled)
        try await client.connect()
        let stream = client.events()
        server.dropAllConnections()
        do {
            for try await _ in stream {}
            Issue.record("stream ended without an error")
        } catch let error as AMIError {
            #expect(error.code == .connectionClosed)
        }
        #expect(client.connectionState == .closed)
        await #expect(throws: AMIError.self) { _ = try await client.send(PingAction()) }
    }

    @Test func oversizedLineClosesWithATypedError() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server, reconnect: .disabled) { $0.limits = .init(maxLineLength: 1024, maxHeaderCount: 64) }
        try await client.connect()
        server.neverRespond(to: "Status")
        async let pending: AMIResponse = client.send(action: "Status", timeout: .seconds(30))
        try await Task.sleep(for: .milliseconds(30))
        server.sendRaw(Array("Event: Huge\r\nData: ".utf8) + [UInt8](repeating: 65, count: 4096))
        do {
            _ = try await pending
            Issue.record("pending action survived")
        } catch let error as AMIError {
            #expect(error.code == .lineTooLong)
        }
        await client.close()
        await server.stop()
    }

    @Test func garbageIsSurfacedNotFatal() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        let stream = client.subscribe(.matching { $0.message.kind == .other })
        var iterator = stream.makeAsyncIterator()
        server.sendRaw(Array("\u{1}\u{2}garbage line\r\nmore: stuff\r\n\r\n".utf8))
        guard case .event(let odd)? = try await iterator.next() else {
            Issue.record("garbage frame not surfaced")
            return
        }
        #expect(odd.message.kind == .other)
        _ = try await client.send(PingAction())
        await client.close()
        await server.stop()
    }

    @Test func slowConsumerDropsOldestAndCounts() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        let subscription = client.subscribe(.names("Flood", "FloodDone"), bufferCapacity: 100)
        await server.flood(AMIEvent(name: "Flood", headers: [.init(name: "X", value: "y")]), count: 5000)
        server.emit(event: "FloodDone")
        // Responses still flow while nobody reads the events.
        _ = try await client.send(PingAction())
        var received = 0
        var dropped = 0
        for try await item in subscription {
            switch item {
            case .event(let event):
                if event.isNamed("FloodDone") {
                    subscription.cancel()
                } else {
                    received += 1
                }
            case .eventsDropped(let count): dropped += count
            default: break
            }
        }
        #expect(received + dropped == 5000)
        #expect(received <= 5000)
        #expect(subscription.droppedEventCount == dropped)
        await client.close()
        await server.stop()
    }

    @Test func keepaliveDetectsADeadServer() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server, reconnect: .disabled) {
            $0.keepAliveInterval = .milliseconds(50)
            $0.actionTimeout = .milliseconds(100)
        }
        try await client.connect()
        server.neverRespond(to: "Ping")
        var states = client.connectionStates().makeAsyncIterator()
        while let state = await states.next() {
            if state == .closed { break }
        }
        #expect(client.connectionState == .closed)
        await server.stop()
    }

    @Test func closeDuringReconnectDoesNotRace() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server, reconnect: .exponential(initialDelay: .milliseconds(100)))
        try await client.connect()
        await server.stop()
        try await Task.sleep(for: .milliseconds(20))
        await client.close()
        try await server.restart()
        // Past the reconnect delay: a closed client never logs in again (a login already under way
        // when it closed is closed at once, so the count comes back to zero).
        try await Task.sleep(for: TestTiming.scaled(.milliseconds(300)))
        #expect(client.connectionState == .closed)
        #expect(try await TestTiming.eventually { server.loggedInSessionCount == 0 })
        await server.stop()
    }

    @Test func delayedAnswersTimeOutUntilTheFaultIsCleared() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        server.delayResponses(to: "Ping", by: .milliseconds(300))
        do {
            _ = try await client.send(PingAction(), timeout: .milliseconds(50))
            Issue.record("a delayed answer arrived in time")
        } catch let error as AMIError {
            #expect(error.code == .timeout)
        }
        server.clearFaults()
        // The late Pong is dropped as unmatched; the next Ping is answered at once.
        #expect(try await client.send(PingAction(), timeout: TestTiming.scaled(.seconds(10))).ping == "Pong")
        await client.close()
        await server.stop()
    }

    @Test func subscriptionsUnregisterWhenCancelledOrReleased() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        let kept = client.subscribe()
        do {
            let released = client.events(named: "X")
            _ = released
            #expect(client.hub.subscriberCount == 2)
        }
        #expect(client.hub.subscriberCount == 1)
        kept.cancel()
        #expect(client.hub.subscriberCount == 0)
        await client.close()
        await server.stop()
    }
}
