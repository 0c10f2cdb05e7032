// An AsyncAGI controller: calls that run `AGI(agi:async)` are driven over AMI. Against a real
// Asterisk set ASTERISK_AMI_URL; without it the example uses the fake AMI server and puts one
// simulated call into AsyncAGI:  swift run asyncagi-controller
import AsteriskAGI
import AsteriskAMI
import AsteriskTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

var fake: FakeAMIServer?
let ami: AMIClient
if let url = getenv("ASTERISK_AMI_URL").map({ String(cString: $0) }), !url.isEmpty {
    ami = try AMIClient(url: url)
} else {
    let server = try await FakeAMIServer.start()
    fake = server
    ami = AMIClient(configuration: .init(port: server.port, username: "admin", secret: .plain("secret")))
}
try await ami.connect()

let controller = AsyncAGIServer(client: ami) { call in
    print("call \(call.environment.channel ?? "?") entered AsyncAGI")
    try await call.answer()
    let choice = try await call.getData("main-menu", timeout: .seconds(5), maxDigits: 1)
    print("caller chose \(choice.digits.isEmpty ? "nothing" : choice.digits)")
    try await call.streamFile(choice.digits == "1" ? "sales" : "support")
    print("handing the call back to the dialplan")
}
let running = Task { try await controller.run() }

if let fake {
    let ended = ami.events(named: "AsyncAGIEnd")
    try await Task.sleep(for: .milliseconds(50))
    fake.startAsyncAGI(on: FakeChannel(name: "PJSIP/100-00000001", uniqueID: "demo.1"), dialogue: FakeAGIDialogue(digitEntries: ["1"]))
    var iterator = ended.makeAsyncIterator()
    _ = try await iterator.next()
    running.cancel()
    _ = try? await running.value
    await ami.close()
    await fake.stop()
} else {
    try await running.value
}
