// A Stasis IVR over ARI: answer, greet, read a PIN, and either bridge the caller to an operator or
// send the call back to the dialplan. Point Asterisk at it with
//   exten => 100,1,Stasis(ivr)
// and run it with ASTERISK_ARI_URL=http://user:password@127.0.0.1:8088. Without one, it starts
// AsteriskTesting's fake ARI server and plays the caller itself:
//   swift run stasis-ivr
import AsteriskARI
import AsteriskTesting
import Foundation

let fake: FakeARIServer? = ProcessInfo.processInfo.environment["ASTERISK_ARI_URL"] == nil ? try await FakeARIServer.start() : nil
let configuration = try fake.map { ARIClientConfiguration(baseURL: $0.baseURL, credentials: .basic("app", "secret")) }
    ?? ARIClientConfiguration(url: ProcessInfo.processInfo.environment["ASTERISK_ARI_URL"]!)
let ari = ARIClient(configuration: configuration)

let app = StasisApplication(name: "ivr", client: ari) { call in
    print("call \(call.id) from \(call.start.channel.caller.number) entered with args \(call.args)")
    try await call.answer()
    try await call.play("sound:hello-world")
    let pin = try await call.collectDigits(maxDigits: 4, terminators: ["#"], firstDigitTimeout: .seconds(10))
    print("PIN \(pin.digits) (\(pin.ending))")
    guard pin.digits == "1234" else {
        try await call.play("sound:auth-incorrect")
        try await call.hangup()
        return
    }
    try await call.play("sound:auth-thankyou")
    try await call.continueInDialplan(context: "staff", extension: "s", priority: 1)
    print("call \(call.id) continues in the dialplan")
}
try await app.start()
let running = Task { try await app.run() }

if let fake {
    // Play the caller: a call into Stasis(ivr), the PIN typed during the greeting, then the end.
    let call = fake.simulateCall(app: "ivr", args: ["demo"])
    fake.sendDTMF("1234#", to: call)
    while fake.channelApp(call) != nil { try await Task.sleep(for: .milliseconds(10)) }
    print("the fake Asterisk saw the call leave for \(fake.channelDialplan(call).map { "\($0.context),\($0.extension),\($0.priority)" } ?? "?")")
    app.stop()
}
try await running.value

// Several requests at once, from the client's own event loop: no thread hop per request.
if #available(macOS 15.0, *) {
    let summary = try await withThrowingTaskGroup(of: String.self) { group in
        group.addTask(executorPreference: ari.taskExecutor) { "Asterisk \(try await ari.asterisk.getInfo().system?.version ?? "?")" }
        group.addTask(executorPreference: ari.taskExecutor) { "\(try await ari.channels.list().count) channels up" }
        var parts: [String] = []
        for try await part in group { parts.append(part) }
        return parts.sorted().joined(separator: ", ")
    }
    print(summary)
}
try await ari.shutdown()
await fake?.stop()
