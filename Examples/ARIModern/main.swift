// ARI the Asterisk 22+ way, against AsteriskTesting's fake Asterisk:
//   1. tracked resources: a call whose handle has every event from the first (no subscribe race);
//   2. REST over the events WebSocket: the same typed requests, no HTTP connection;
//   3. an outbound WebSocket application: Asterisk connects to us and the Stasis API runs unchanged;
//   4. media over WebSocket: an external-media channel's audio in and out, paced.
//   swift run ari-modern
import AsteriskARI
import AsteriskTesting

let asterisk = try await FakeARIServer.start()

// 1. Tracked resources.
let ari = ARIClient(configuration: .init(baseURL: asterisk.baseURL, credentials: .basic("app", "secret")))
let events = try await ari.events(apps: ["demo"])
let call = try await ari.originateTracked(endpoint: "PJSIP/100", app: "demo")
while asterisk.channelState(call.id) != "Up" { try await Task.sleep(for: .milliseconds(5)) }
let beep = try await ari.playTracked(["sound:beep"], onChannel: call.id)
for await event in beep.events { print("playback \(beep.id): \(event.type)") }
try await ari.send(ARIOperations.Channels.hangup(channelID: call.id))
var callEvents: [String] = []
for await event in call.events { callEvents.append(event.type) }
print("call \(call.id): \(callEvents.joined(separator: ", "))")
events.close()
try await ari.shutdown()

// 2. REST over the WebSocket.
var configuration = ARIClientConfiguration(baseURL: asterisk.baseURL, credentials: .basic("app", "secret"))
configuration.restTransport = .webSocket(app: "demo")
let overSocket = ARIClient(configuration: configuration)
let socketEvents = try await overSocket.events(apps: ["demo"])
let info = try await overSocket.send(ARIOperations.Asterisk.getInfo())
print("Asterisk \(info.system?.version ?? "?") answered over the events WebSocket: \(asterisk.requests.last?.overWebSocket == true)")
socketEvents.close()
try await overSocket.shutdown()

// 3. Asterisk dials the application.
let server = ARIOutboundServer(configuration: .init(port: 0, path: "/ari/app", credentials: .basic("asterisk", "s3cret")))
try await server.start()
let app = StasisApplication(name: "ivr", client: server.client) { call in
    try await call.answer()
    try await call.play("sound:hello-world")
    print("outbound: served \(call.id) over Asterisk's own connection")
    try await call.hangup()
}
let running = Task { try await app.run() }
try await asterisk.connectOutbound(
    to: FakeARIOutboundTarget(url: "ws://127.0.0.1:\(server.port)/ari/app", username: "asterisk", password: "s3cret"), apps: ["ivr"])
let inbound = asterisk.simulateCall(app: "ivr")
while asterisk.channelState(inbound) != nil { try await Task.sleep(for: .milliseconds(5)) }
app.stop()
try await running.value
await server.shutdown()

// 4. Media over WebSocket.
let mediaClient = ARIClient(configuration: .init(baseURL: asterisk.baseURL, credentials: .basic("app", "secret")))
asterisk.setMediaBehaviour(toneFrames: 25)
let (mediaChannel, media) = try await mediaClient.externalMedia(app: "bot", format: "slin16")
print("media for \(mediaChannel.id): \(media.start.format), \(media.start.optimalFrameSize) bytes every \(media.start.ptime) ms")
var heard = 0
for await frame in media.audio {
    heard += frame.count
    if heard >= 25 * media.start.optimalFrameSize { break }
}
let clock = ContinuousClock()
let elapsed = try await clock.measure { try await media.play([UInt8](repeating: 0, count: 10 * media.start.optimalFrameSize)) }
print("heard \(heard) bytes of tone; played 10 frames back in \(elapsed)")
media.close()
try await mediaClient.shutdown()
await asterisk.stop()
