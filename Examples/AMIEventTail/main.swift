// Tails AMI events with connection markers, the way a long-running monitor should:
// it survives reconnects and re-reads state after one. Runs against the fake Asterisk,
// which it disconnects once to show the reconnect:  swift run ami-event-tail
import AsteriskAMI
import AsteriskTesting

let server = try await FakeAMIServer.start()
let client = AMIClient(configuration: .init(
    port: server.port, username: "admin", secret: .plain("secret"),
    reconnect: .exponential(initialDelay: .milliseconds(50))))
try await client.connect()
try await client.addFilter("Event: PeerStatus")            // server-side filter, restored after reconnects

let subscription = client.subscribe(.names("PeerStatus"))
let states = client.connectionStates()
Task {
    server.emit(event: "PeerStatus", ["Peer": "PJSIP/100", "PeerStatus": "Reachable"])
    try await Task.sleep(for: .milliseconds(50))
    server.dropAllConnections()                          // Asterisk "restarts"
    var reconnecting = false
    for await state in states {
        if case .reconnecting = state { reconnecting = true }
        if reconnecting && state.isConnected { break }
    }
    server.emit(event: "PeerStatus", ["Peer": "PJSIP/100", "PeerStatus": "Unreachable"])
}

var seen = 0
for try await item in subscription {
    switch item {
    case .event(let event):
        print("event:", event["Peer"] ?? "?", event["PeerStatus"] ?? "?")
        seen += 1
    case .connectionLost(let error):
        print("connection lost:", error.code)
    case .reconnected:
        print("reconnected: re-read any state built from events here")
    case .eventsDropped(let count):
        print("fell behind; \(count) events dropped")
    }
    if seen == 2 { break }
}
await client.close()
await server.stop()
