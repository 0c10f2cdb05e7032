// ari-bench: ARI event decoding through the WebSocket path and REST round trips, against the fake ARI
// server in a separate process (see Benchmarks/ari/run.sh, which runs a Python ARI client the same way).
//
//   ari-bench serve PORT API_DOCS_DIR EVENTS_JSONL COUNT   fake ARI on 127.0.0.1:PORT; every events WebSocket of
//                                                          app "bench" gets COUNT recorded events, then BenchDone
//   ari-bench serve-floor PORT                             a server that only answers GET /asterisk/info, from
//                                                          one prebuilt response (the client's ceiling; FloorServer.swift)
//   ari-bench events PORT                                  decode events until BenchDone; prints events/s
//   ari-bench raw PORT                                     the same messages as undecoded text (framing only)
//   ari-bench rest PORT REQUESTS CONCURRENCY [--on-client-loop]
//                                                          GET /asterisk/info REQUESTS times; prints round trips/s
//                                                          (with the flag, the workers run on ARIClient.taskExecutor)
//   ari-bench decode EVENTS_JSONL ROUNDS                   ARIEvent.decode over the recorded messages in process
import AsteriskARI
import AsteriskTesting
import Foundation
import NIOPosix

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: ari-bench serve PORT API_DOCS EVENTS COUNT | serve-floor PORT | events PORT | raw PORT | rest PORT REQUESTS CONCURRENCY | decode EVENTS ROUNDS")
    exit(2)
}
let port = Int(arguments[2]) ?? 0

/// The client measured. Its event buffer holds the whole run (16 GiB, 100 M messages): the benchmark
/// measures how fast events are decoded, and the reader outpaces the decoder, so the library's default
/// bounds (100,000 messages, 64 MiB) would drop part of the stream; a run that dropped any says so.
func client() -> ARIClient {
    ARIClient(configuration: .init(
        baseURL: "http://127.0.0.1:\(port)/ari", credentials: .basic("bench", "bench"), maxBufferedEventBytes: 16 << 30))
}

/// A duration as seconds.
func inSeconds(_ elapsed: Duration) -> Double {
    Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// The consumer's tally: messages counted, from the first one's arrival.
@MainActor final class Tally {
    var counted = 0
    var firstArrival: ContinuousClock.Instant?

    /// Counts one message (the first starts the clock).
    func add() {
        if firstArrival == nil { firstArrival = ContinuousClock.now }
        counted += 1
    }
}

/// Subscribes to app "bench", lets `consume` count messages until `BenchDone`, prints the rate.
@MainActor func countUntilDone(label: String, _ consume: (ARIEventSubscription, Tally) async throws -> Void) async throws {
    let ari = client()
    let subscription = try await ari.events(apps: ["bench"], reconnect: .disabled, bufferSize: 100_000_000)
    let tally = Tally()
    try await consume(subscription, tally)
    let elapsed = tally.firstArrival.map { ContinuousClock.now - $0 } ?? .zero
    let seconds = inSeconds(elapsed)
    let dropped = subscription.droppedEventCount
    subscription.close()
    try await ari.shutdown()
    if dropped > 0 { print("WARNING: \(dropped) events were dropped; the figure below does not count them") }
    print("RESULT client=\(label) events=\(tally.counted) seconds=\(String(format: "%.3f", seconds)) events_per_s=\(Int(Double(tally.counted) / max(seconds, 1e-9)))")
}

switch arguments[1] {
case "serve-floor":
    try await FloorServer.run(port: port)
case "serve":
    guard arguments.count >= 6, let count = Int(arguments[5]) else { exit(2) }
    // The server (Asterisk's stand-in) gets half the cores, as in fastagi-bench: the client measured
    // needs the rest. ARI_BENCH_SERVER_THREADS overrides.
    let threads = ProcessInfo.processInfo.environment["ARI_BENCH_SERVER_THREADS"].flatMap(Int.init)
        ?? max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    let server = try await FakeARIServer.start(username: "bench", password: "bench", port: port, eventLoopGroup: group)
    server.recordRequests(false)
    server.serveAPIDocs(from: arguments[3])
    // Recorded events: the `data` of every line of the capture.
    let lines = try String(contentsOfFile: arguments[4], encoding: .utf8).split(separator: "\n")
    let messages = lines.compactMap { line -> String? in
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return object["data"] as? String
    }
    while true {
        while !server.registeredApps.contains("bench") { try await Task.sleep(for: .milliseconds(10)) }
        try await server.blast(messages, count: count, app: "bench", final: #"{"type":"BenchDone"}"#)
        while server.registeredApps.contains("bench") { try await Task.sleep(for: .milliseconds(10)) }
    }
case "events":
    try await countUntilDone(label: "swift-asterisk") { subscription, tally in
        for try await event in subscription.events {
            if case .unknown(let type, _) = event, type == "BenchDone" { return }
            tally.add()
        }
    }
case "rest":
    guard arguments.count >= 5, let requests = Int(arguments[3]), let concurrency = Int(arguments[4]) else { exit(2) }
    let onClientLoop = arguments.contains("--on-client-loop")
    let ari = client()
    _ = try await ari.asterisk.getInfo()  // warm the connection pool
    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<concurrency {
            let work: @Sendable () async throws -> Void = {
                for _ in stride(from: worker, to: requests, by: concurrency) { _ = try await ari.asterisk.getInfo() }
            }
            if onClientLoop, #available(macOS 15.0, *) {
                group.addTask(executorPreference: ari.taskExecutor, operation: work)
            } else {
                group.addTask(operation: work)
            }
        }
        try await group.waitForAll()
    }
    let elapsed = clock.now - start
    let seconds = inSeconds(elapsed)
    try await ari.shutdown()
    print("RESULT client=swift-asterisk\(onClientLoop ? "-on-client-loop" : "") requests=\(requests) seconds=\(String(format: "%.3f", seconds)) requests_per_s=\(Int(Double(requests) / seconds))")
case "decode":
    // In-process: ARIEvent.decode over the recorded messages, no sockets (for A/B of the JSON readers).
    guard arguments.count >= 4, let rounds = Int(arguments[3]) else { exit(2) }
    let lines = try String(contentsOfFile: arguments[2], encoding: .utf8).split(separator: "\n")
    let messages = lines.compactMap { line -> Data? in
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return (object["data"] as? String).map { Data($0.utf8) }
    }
    let clock = ContinuousClock()
    let start = clock.now
    var decoded = 0
    for _ in 0..<rounds {
        for message in messages where (try? ARIEvent.decode(message)) != nil { decoded += 1 }
    }
    let elapsed = clock.now - start
    let seconds = inSeconds(elapsed)
    print("RESULT mode=decode events=\(decoded) seconds=\(String(format: "%.3f", seconds)) ns_per_event=\(Int(seconds * 1e9 / Double(max(decoded, 1))))")
case "raw":
    try await countUntilDone(label: "raw") { subscription, tally in
        for try await message in subscription.rawMessages {
            if message.utf8.count < 30 && message.contains("BenchDone") { return }
            tally.add()
        }
    }
default:
    print("unknown mode \(arguments[1])")
    exit(2)
}
