// A declarative IVR menu served over FastAGI. Point Asterisk at it with
//   exten => 100,1,AGI(agi://127.0.0.1:4573/menu)
// or, over ARI, with  exten => 100,1,Stasis(menu).
// Without Asterisk, this example runs the same menu three times: against a scripted caller (no
// sockets), against AsteriskTesting's FakeAGICaller over FastAGI, and on a Stasis channel of its fake
// ARI server:  swift run ivr-menu
import AsteriskAGI
import AsteriskARI
import AsteriskIVR
import AsteriskTesting

let support = Menu(
    prompts: [.sound("support-menu")],
    options: ["1": .choose("hardware"), "2": .choose("software"), "*": .back],
    timeoutPrompts: [.sound("are-you-there")])
let main = Menu(
    prompts: [.sound("welcome"), .sound("main-menu")],
    options: [
        "1": .choose("sales"),
        "2": .submenu(support),
        "3": .collect("account", CollectDigits(prompts: [.sound("enter-account")], minimumLength: 4, maximumLength: 8)),
        "0": .exit,
    ],
    invalidPrompts: [.sound("option-is-invalid")], timeoutPrompts: [.sound("are-you-there")], maximumAttempts: 3)

// 1. A scripted caller: presses 9 (invalid), then 3 and an account number ending with #.
let caller = IVRScriptedCaller(keys: "93123456#")
let scripted = try await main.run(on: caller)
print("scripted: \(scripted.outcome) via \(scripted.path); heard \(caller.heard.count) prompts")

// 2. Over FastAGI: the fake caller presses 2 (support), then 1 (hardware) while waiting for a digit.
let server = FastAGIServer(configuration: .init(port: 0)) { router in
    router.route("menu") { call in
        try await call.answer()
        let result = try await main.run(on: call)
        print("FastAGI: \(result.outcome) via \(result.path)")
        if case .chosen(let queue, _) = result.outcome { try await call.setVariable("IVR_CHOICE", queue) }
        try await call.hangup()
    }
}
try await server.start()
let record = try await FakeAGICaller.call(port: server.port, script: "menu", dialogue: FakeAGIDialogue(keys: ["2", "1"]))
for command in record.commands { print("  \(command.line)") }
await server.shutdown()

// 3. Over ARI: the same menu on a Stasis channel; the caller presses 1 (sales) during the greeting.
let ari = try await FakeARIServer.start()
let client = ARIClient(configuration: .init(baseURL: ari.baseURL, credentials: .basic("app", "secret")))
let stasis = StasisApplication(name: "menu", client: client) { call in
    try await call.answer()
    let result = try await main.run(on: call)
    print("ARI: \(result.outcome) via \(result.path)")
    try await call.hangup()
}
try await stasis.start()
let running = Task { try await stasis.run() }
let channel = ari.simulateCall(app: "menu")
ari.sendDTMF("1", to: channel)
while ari.channelIDs.contains(channel) { try await Task.sleep(for: .milliseconds(10)) }
stasis.stop()
try await running.value
try await client.shutdown()
await ari.stop()
