// A declarative IVR menu served over FastAGI. Point Asterisk at it with
//   exten => 100,1,AGI(agi://127.0.0.1:4573/menu)
// Without Asterisk, this example runs the menu twice: once against a scripted caller (no sockets),
// once against AsteriskTesting's FakeAGICaller over loopback:  swift run ivr-menu
import AsteriskAGI
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
