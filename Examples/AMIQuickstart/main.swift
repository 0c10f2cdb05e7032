// AMI quickstart: log in, ping, read settings, list channels, run a CLI command, originate a call
// and watch its events. Uses $ASTERISK_AMI_URL when set; otherwise starts the fake Asterisk from
// AsteriskTesting so it runs anywhere:  swift run ami-quickstart
import AsteriskAMI
import AsteriskTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

var fake: FakeAMIServer?
let client: AMIClient
if let url = getenv("ASTERISK_AMI_URL").map({ String(cString: $0) }), !url.isEmpty {
    client = try AMIClient(url: url)
} else {
    let server = try await FakeAMIServer.start()
    fake = server
    client = AMIClient(configuration: .init(port: server.port, username: "admin", secret: .md5("secret")))
}

try await client.connect()
print("connected:", client.banner?.line ?? "?")

let pong = try await client.send(PingAction())
print("ping:", pong.ping ?? "?")

let settings = try await client.send(CoreSettingsAction())
print("Asterisk", settings["AsteriskVersion"] ?? "?")

let channels = try await client.send(CoreShowChannelsAction())
print("channels:", channels.items.compactMap(\.channel))

let version = try await client.send(CommandAction("core show version"))
print(version.text)

// Subscribe before originating so that no event of the call is missed.
let hangups = client.events(of: HangupEvent.self)
_ = try await client.send(OriginateAction(
    channel: "Local/100@default", destination: .application("Wait", data: "1"), channelID: "quickstart-1"))
for try await hangup in hangups where hangup.uniqueID == "quickstart-1" {
    print("call ended:", hangup.causeText ?? "?")
    break
}

await client.close()
await fake?.stop()
