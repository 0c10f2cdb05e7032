// A FastAGI IVR: a menu with a PIN prompt and playback. Point Asterisk at it with
//   exten => 100,1,AGI(agi://127.0.0.1:4573/ivr?lang=en)
// Without Asterisk, this example plays the caller itself with AsteriskTesting's FakeAGICaller:
//   swift run fastagi-ivr
import AsteriskAGI
import AsteriskTesting

let server = FastAGIServer(configuration: .init(port: 0)) { router in
    router.route("ivr") { call in
        try await call.answer()
        let language = call.environment.query("lang") ?? "en"
        try await call.setVariable("CHANNEL(language)", language)
        let choice = try await call.getOption("main-menu", escapeDigits: "12", timeout: .seconds(5))
        switch choice.keyPress.digit {
        case "1":
            let pin = try await call.getData("enter-pin", timeout: .seconds(5), maxDigits: 4)
            try await call.streamFile(pin.digits == "1234" ? "auth-thankyou" : "auth-incorrect")
        case "2":
            try await call.sayNumber(42)
        default:
            try await call.streamFile("goodbye")
        }
        try await call.hangup()
    }
}
try await server.start()
print("FastAGI IVR listening on 127.0.0.1:\(server.port)")

let record = try await FakeAGICaller.call(
    port: server.port, script: "ivr?lang=en", dialogue: FakeAGIDialogue(digitEntries: ["1234"], keys: ["1"]))
for (command, reply) in zip(record.commands, record.replies) {
    print("> \(command.line)\n< \(reply)")
}
await server.shutdown()
