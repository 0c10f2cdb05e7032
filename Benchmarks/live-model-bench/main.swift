import AsteriskAMI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The live model's state under load, without sockets:
//   swift run -c release live-model-bench [--wire] [CHANNELS] [EVENTS]
// Creates CHANNELS channels (Newchannel), applies EVENTS events spread over them (Newstate,
// VarSet, NewCallerid, Newexten in turn, each changing its channel), and reports events/s and the
// memory each channel takes (resident memory before and after creating them, divided).
// With --wire, the same events go the whole way: the fake server floods them over loopback to an
// AMIClient and its AMILiveModel actor (see WireBench.swift).

let wire = CommandLine.arguments.contains("--wire")
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let channelCount = arguments.first ?? 10_000
let eventCount = arguments.dropFirst().first ?? 1_000_000

/// Resident memory in bytes (Linux; 0 elsewhere).
func residentBytes() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 128)
    guard fgets(&buffer, Int32(buffer.count), file) != nil else { return 0 }
    let text = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    let fields = String(decoding: text, as: UTF8.self).split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func event(_ name: String, _ headers: [(String, String)]) -> AMIEvent {
    AMIEvent(name: name, headers: headers.map { AMIHeader(name: $0.0, value: $0.1) })
}

var creations: [AMIEvent] = []
creations.reserveCapacity(channelCount)
for index in 0..<channelCount {
    let id = "1700000000.\(index)"
    creations.append(event("Newchannel", [
        ("Channel", "PJSIP/\(1000 + index % 9000)-\(String(index, radix: 16))"), ("ChannelState", "0"), ("ChannelStateDesc", "Down"),
        ("CallerIDNum", "\(5_550_000 + index)"), ("CallerIDName", "Caller \(index)"), ("ConnectedLineNum", "<unknown>"),
        ("ConnectedLineName", "<unknown>"), ("Language", "en"), ("AccountCode", ""), ("Context", "from-trunk"), ("Exten", "100"),
        ("Priority", "1"), ("Uniqueid", id), ("Linkedid", id),
    ]))
}
// Update events built once (the parser's cost is not measured here), in two variants that alternate
// from pass to pass, so every event really changes its channel.
var updates: [AMIEvent] = []
updates.reserveCapacity(channelCount * 8)
for variant in 0..<2 {
    for index in 0..<channelCount {
        let id = "1700000000.\(index)"
        updates.append(event("Newstate", [("Uniqueid", id), ("ChannelState", variant == 0 ? "6" : "5"), ("ChannelStateDesc", variant == 0 ? "Up" : "Ringing")]))
        updates.append(event("VarSet", [("Uniqueid", id), ("Variable", "DIALSTATUS"), ("Value", variant == 0 ? "ANSWER" : "BUSY")]))
        updates.append(event("NewCallerid", [("Uniqueid", id), ("CallerIDNum", "\(index + variant)"), ("CallerIDName", "Updated")]))
        updates.append(event("Newexten", [("Uniqueid", id), ("Context", "office"), ("Exten", "200"), ("Priority", "\(2 + variant)")]))
    }
}

if wire {
    try await runWireBench(channels: creations, updates: updates, eventCount: eventCount)
    exit(0)
}

let before = residentBytes()
var state = AMILiveModelState()
var changes = 0
for creation in creations { changes += state.apply(creation).count }
let after = residentBytes()

let clock = ContinuousClock()
let start = clock.now
var applied = 0
while applied < eventCount {
    changes += state.apply(updates[applied % updates.count]).count
    applied += 1
}
let elapsed = clock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("RESULT channels=\(state.channels.count) events=\(applied) seconds=\((seconds * 1000).rounded() / 1000) events_per_s=\(Int(Double(applied) / seconds)) bytes_per_channel=\((after - before) / max(channelCount, 1)) changes=\(changes)")
