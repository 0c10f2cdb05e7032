import AsteriskTesting
import Logging
import Testing

@testable import AsteriskAMI

/// A client configured for a fake server, with short timeouts so failures show quickly.
func makeClient(
    _ server: FakeAMIServer, username: String = "admin", secret: AMISecret = .plain("secret"),
    reconnect: AMIReconnectPolicy = .exponential(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200)),
    configure: (inout AMIClientConfiguration) -> Void = { _ in }
) -> AMIClient {
    var configuration = AMIClientConfiguration(
        host: "127.0.0.1", port: server.port, username: username, secret: secret, connectTimeout: TestTiming.scaled(.seconds(5)),
        actionTimeout: TestTiming.scaled(.seconds(5)), keepAliveInterval: nil, reconnect: reconnect)
    configure(&configuration)
    return AMIClient(configuration: configuration)
}

@Suite("AMIClient over loopback")
struct AMIClientTests {
    @Test func plainLoginPingAndClose() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        #expect(client.connectionState.isConnected)
        #expect(client.banner?.version == "12.0.0")
        let pong = try await client.send(PingAction())
        #expect(pong.ping == "Pong")
        await client.close()
        #expect(client.connectionState == .closed)
        // close() does not wait for the fake to have read its Logoff.
        #expect(try await eventually { server.receivedActions.compactMap { $0["Action"] } == ["Login", "Ping", "Logoff"] })
        #expect(server.receivedActions[0]["Secret"] == "secret")
        await server.stop()
    }

    @Test func md5LoginNeverSendsTheSecret() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server, secret: .md5("secret"))
        try await client.connect()
        _ = try await client.send(PingAction())
        let login = try #require(server.receivedActions.first { $0["Action"] == "Login" })
        #expect(login["AuthType"] == "MD5")
        #expect(login["Secret"] == nil)
        #expect(login["Key"]?.count == 32)
        #expect(server.receivedActions.first?["Action"] == "Challenge")
        await client.close()
        await server.stop()
    }

    @Test func wrongSecretFailsWithAuthenticationFailed() async throws {
        let server = try await FakeAMIServer.start()
        for secret in [AMISecret.plain("wrong"), .md5("wrong")] {
            let client = makeClient(server, secret: secret)
            do {
                try await client.connect()
                Issue.record("login with a wrong secret succeeded")
            } catch let error as AMIError {
                #expect(error.code == .authenticationFailed)
                #expect(error.serverMessage == "Authentication failed")
                #expect(!"\(error)".contains("wrong"))
            }
            #expect(client.connectionState == .idle)
        }
        await server.stop()
    }

    @Test func permissionDeniedIsATypedActionError() async throws {
        let server = try await FakeAMIServer.start(.init(users: [FakeAMIUser(username: "limited", secret: "pw", allowedActions: ["Ping"])]))
        let client = makeClient(server, username: "limited", secret: .plain("pw"))
        try await client.connect()
        do {
            _ = try await client.send(CommandAction("core show version"))
            Issue.record("a forbidden command succeeded")
        } catch let error as AMIError {
            #expect(error.code == .actionFailed)
            #expect(error.serverMessage == "Permission denied")
            #expect(error.action == "Command")
        }
        // The session is still usable.
        _ = try await client.send(PingAction())
        await client.close()
        await server.stop()
    }

    @Test func commandOutputLines() async throws {
        let server = try await FakeAMIServer.start()
        server.addCLICommand("dialplan show calls", output: ["[ Context 'calls' created by 'pbx_config' ]", "", "-= 1 extension =-"])
        let client = makeClient(server)
        try await client.connect()
        let output = try await client.send(CommandAction("dialplan show calls")).output
        #expect(output == ["[ Context 'calls' created by 'pbx_config' ]", "", "-= 1 extension =-"])
        do {
            _ = try await client.send(CommandAction("no such cli command"))
            Issue.record("unknown CLI command succeeded")
        } catch let error as AMIError {
            #expect(error.response?.output.first?.hasPrefix("No such command") == true)
        }
        await client.close()
        await server.stop()
    }

    @Test func listResponsesCollectTheirEventsAndOnlyThose() async throws {
        let server = try await FakeAMIServer.start()
        for index in 1...3 {
            server.addChannel(FakeChannel(name: "PJSIP/10\(index)-0000000\(index)", uniqueID: "u.\(index)"))
        }
        let client = makeClient(server)
        try await client.connect()
        let stream = client.events()
        var iterator = stream.makeAsyncIterator()
        // Interleave an unrelated event into the list.
        server.onAction("CoreShowChannels") { request in
            let id = request.actionID ?? ""
            let item = { (n: Int) in [AMIHeader(name: "Event", value: "CoreShowChannel"), .init(name: "ActionID", value: id), .init(name: "Channel", value: "C\(n)")] }
            return .frames([
                [.init(name: "Response", value: "Success"), .init(name: "ActionID", value: id), .init(name: "EventList", value: "start")],
                item(1), [.init(name: "Event", value: "Newchannel"), .init(name: "Channel", value: "Other")], item(2),
                [.init(name: "Event", value: "CoreShowChannelsComplete"), .init(name: "ActionID", value: id),
                 .init(name: "EventList", value: "Complete"), .init(name: "ListItems", value: "2")],
            ])
        }
        let response = try await client.send(action: "CoreShowChannels")
        #expect(response.events.map { $0["Channel"] } == ["C1", "C2"])
        #expect(response.completionEvent?.name == "CoreShowChannelsComplete")
        let other = try await iterator.next()
        #expect(other?.name == "Newchannel" || other?.name == "FullyBooted")
        await client.close()
        await server.stop()
    }

    @Test func builtInEventListsFromTheFake() async throws {
        let server = try await FakeAMIServer.start()
        server.addChannel(FakeChannel(name: "PJSIP/100-00000001", uniqueID: "u.1"))
        let client = makeClient(server)
        try await client.connect()
        let channels = try await client.send(action: "CoreShowChannels")
        #expect(channels.events.map { $0["Channel"] } == ["PJSIP/100-00000001"])
        _ = try await client.send(action: "DBPut", ["Family": "lab", "Key": "k1", "Val": "v1"])
        let value = try await client.send(action: "DBGet", ["Family": "lab", "Key": "k1"])
        #expect(value.events.first?["Val"] == "v1")
        await #expect(throws: AMIError.self) { _ = try await client.send(action: "DBGet", ["Family": "lab", "Key": "missing"]) }
        await client.close()
        await server.stop()
    }

    @Test func timeoutLeavesTheConnectionUsable() async throws {
        let server = try await FakeAMIServer.start()
        server.neverRespond(to: "Status")
        let client = makeClient(server)
        try await client.connect()
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await client.send(action: "Status", timeout: .milliseconds(100))
            Issue.record("no timeout")
        } catch let error as AMIError {
            #expect(error.code == .timeout)
            #expect(error.action == "Status")
        }
        #expect(clock.now - start < TestTiming.scaled(.seconds(2)))
        _ = try await client.send(PingAction())
        await client.close()
        await server.stop()
    }

    @Test func cancellationEndsTheCallAndTheConnectionStaysUsable() async throws {
        let server = try await FakeAMIServer.start()
        server.neverRespond(to: "Status")
        let client = makeClient(server)
        try await client.connect()
        let task = Task { try await client.send(action: "Status", timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        _ = try await client.send(PingAction())
        await client.close()
        await server.stop()
    }

    @Test func injectionIsRejectedBeforeAnythingIsWritten() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        do {
            _ = try await client.send(action: "Setvar", ["Variable": "X", "Value": "1\r\nAction: Command\r\nCommand: core stop now"])
            Issue.record("injection accepted")
        } catch let error as AMIError {
            #expect(error.code == .invalidHeader)
        }
        _ = try await client.send(PingAction())
        #expect(server.receivedActions.compactMap { $0["Action"] } == ["Login", "Ping"])
        await client.close()
        await server.stop()
    }

    @Test func sendingBeforeConnectFailsFast() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        await #expect(throws: AMIError.self) { _ = try await client.send(PingAction()) }
        await server.stop()
    }

    @Test func connectingToNothingFailsWithConnectionFailed() async throws {
        let server = try await FakeAMIServer.start()
        let port = server.port
        await server.stop()
        let client = AMIClient(configuration: .init(port: port, username: "a", secret: .plain("b"), connectTimeout: TestTiming.scaled(.seconds(2))))
        do {
            try await client.connect()
            Issue.record("connected to a closed port")
        } catch let error as AMIError {
            #expect(error.code == .connectionFailed)
        }
    }
}

@Suite("AMIClient subscribers, ActionIDs and Service")
struct AMIClientSubscriberTests {
    @Test func independentSubscribersEachGetTheirOwnEvents() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        let all = client.events()
        let peers = client.events(named: "PeerStatus")
        let reachable = client.events(of: PeerStatusEvent.self, where: .matching { $0["PeerStatus"] == "Reachable" })
        server.emit(event: "PeerStatus", ["Peer": "PJSIP/1", "PeerStatus": "Unreachable"])
        server.emit(event: "Other")
        server.emit(event: "PeerStatus", ["Peer": "PJSIP/2", "PeerStatus": "Reachable"])
        var allIterator = all.makeAsyncIterator()
        var names: [String] = []
        while names.count < 3, let event = try await allIterator.next() {
            if event.isNamed("FullyBooted") { continue }
            names.append(event.name)
        }
        #expect(names == ["PeerStatus", "Other", "PeerStatus"])
        var peerIterator = peers.makeAsyncIterator()
        #expect(try await peerIterator.next()?["Peer"] == "PJSIP/1")
        #expect(try await peerIterator.next()?["Peer"] == "PJSIP/2")
        var reachableIterator = reachable.makeAsyncIterator()
        #expect(try await reachableIterator.next()?.peer == "PJSIP/2")
        await client.close()
        await server.stop()
    }

    @Test func actionIDsAreUniqueAcrossClientsAndReconnects() async throws {
        let server = try await FakeAMIServer.start()
        let first = makeClient(server)
        let second = makeClient(server)
        try await first.connect()
        try await second.connect()
        for _ in 0..<20 {
            _ = try await first.send(PingAction())
            _ = try await second.send(PingAction())
        }
        server.dropAllConnections()
        try await server.waitForLoggedInSessions(2)
        for client in [first, second] {
            var answered = false
            for _ in 0..<500 where !answered {
                answered = (try? await client.send(PingAction())) != nil
                if !answered { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(answered)
        }
        let ids = server.receivedActions.compactMap { $0["ActionID"] }
        #expect(ids.count >= 44)
        #expect(Set(ids).count == ids.count)
        await first.close()
        await second.close()
        await server.stop()
    }

    @Test func runsAsAServiceUntilCancelled() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        let service = Task { try await client.run() }
        var states = client.connectionStates().makeAsyncIterator()
        while let state = await states.next(), !state.isConnected {}
        _ = try await client.send(PingAction())
        service.cancel()
        try await service.value
        #expect(client.connectionState == .closed)
        #expect(try await eventually { server.receivedActions.last?["Action"] == "Logoff" })
        await server.stop()
    }
}
