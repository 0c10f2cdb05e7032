// Tracked calls: originate several calls at once and follow each to its end, telling busy, no answer
// and congestion apart. Uses $ASTERISK_AMI_URL and $DESTINATIONS (comma-separated, e.g.
// PJSIP/100,PJSIP/101) when set; otherwise starts the fake Asterisk from AsteriskTesting with one
// destination of each outcome:  swift run tracked-calls
import AsteriskAMI
import AsteriskTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

var fake: FakeAMIServer?
let client: AMIClient
var destinations = ["PJSIP/100", "PJSIP/busy", "PJSIP/away", "PJSIP/trunk"]
if let url = getenv("ASTERISK_AMI_URL").map({ String(cString: $0) }), !url.isEmpty {
    client = try AMIClient(url: url)
    if let list = getenv("DESTINATIONS").map({ String(cString: $0) }) { destinations = list.split(separator: ",").map(String.init) }
} else {
    let server = try await FakeAMIServer.start()
    server.setOriginateOutcome { request in
        switch request["Channel"] {
        case "PJSIP/busy": return .busy
        case "PJSIP/away": return .noAnswer(ringing: .milliseconds(200))
        case "PJSIP/trunk": return .congestion
        default: return .answer(ringing: .milliseconds(100), talking: .milliseconds(300))
        }
    }
    fake = server
    client = AMIClient(configuration: .init(port: server.port, username: "admin", secret: .md5("secret")))
}

try await client.connect()
let calls = try await withThrowingTaskGroup(of: AMICall.self) { group in
    for destination in destinations {
        group.addTask {
            try await client.originate(OriginateAction(
                channel: destination, destination: .dialplan(context: "default", exten: "s"), timeout: .seconds(20)))
        }
    }
    var placed: [AMICall] = []
    for try await call in group { placed.append(call) }
    return placed
}
for call in calls {
    do {
        try await call.answered(timeout: .seconds(30))
        print("\(call.channelName ?? call.channelID): answered")
    } catch {
        print("\(call.channelName ?? call.channelID): not answered (\(error))")
    }
}
for call in calls {
    let end = try await call.ended(timeout: .seconds(60))
    print("\(call.channelName ?? call.channelID): ended \(end.reason), cause \(end.cause.map(String.init) ?? "-") \(end.causeText ?? "")")
}
await client.close()
await fake?.stop()
