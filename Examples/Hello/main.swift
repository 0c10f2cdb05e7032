// The README's first program: connect, run a CLI command, place a call and follow it to its end.
// It starts the built-in fake Asterisk; to use a real one, replace the first two lines with
//   let ami = try AMIClient(url: "ami://app:s3cret@127.0.0.1:5038")
import AsteriskAMI
import AsteriskTesting

let fake = try await FakeAMIServer.start()
let ami = AMIClient(configuration: .init(port: fake.port, username: "admin", secret: .md5("secret")))
try await ami.connect()
print(try await ami.send(CommandAction("core show version")).output.joined(separator: "\n"))
let call = try await ami.originate(OriginateAction(channel: "PJSIP/100", destination: .dialplan(context: "default", exten: "100")))
try await call.answered(timeout: .seconds(30))
print("answered; ended:", try await call.ended().reason)
await ami.close()
