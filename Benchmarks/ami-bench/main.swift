// ami-bench: the AMI client under ../shared/bench/run.sh.
//   ami-bench events PORT N     log in, count events through the public events API until BenchDone, close
//   ami-bench ping PORT M K     send M Ping actions with K in flight, count the Pongs, close
// Prints a last line: RESULT client=swift-asterisk events=COUNT | pongs=COUNT
import AsteriskAMI
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 4, let port = Int(arguments[2]) else {
    print("usage: ami-bench events PORT N | ami-bench ping PORT M K")
    exit(2)
}

func makeClient(bufferCapacity: Int) -> AMIClient {
    var logger = Logger(label: "ami-bench")
    logger.logLevel = .error
    return AMIClient(
        configuration: .init(
            host: "127.0.0.1", port: port, username: "bench", secret: .plain("bench"), actionTimeout: .seconds(60),
            keepAliveInterval: nil, reconnect: .disabled, subscriberBufferCapacity: bufferCapacity,
            logoffTimeout: .zero),
        logger: logger)
}

/// Counts events (FullyBooted excluded) until BenchDone.
func events(expected: Int) async throws {
    let client = makeClient(bufferCapacity: 1 << 16)
    let stream = client.subscribe()
    try await client.connect()
    var count = 0
    var dropped = 0
    loop: for try await item in stream {
        switch item {
        case .event(let event):
            if event.isNamed("BenchDone") { break loop }
            if !event.isNamed("FullyBooted") { count += 1 }
        case .eventsDropped(let n):
            dropped += n
        default:
            break
        }
    }
    await client.close()
    if dropped > 0 { print("ami-bench: \(dropped) events dropped by the slow-consumer policy") }
    print("RESULT client=swift-asterisk events=\(count)")
}

/// Sends `total` pings with `inFlight` outstanding.
func ping(total: Int, inFlight: Int) async throws {
    let client = makeClient(bufferCapacity: 1024)
    try await client.connect()
    let pongs = await withTaskGroup(of: Int.self) { group in
        let perWorker = total / inFlight
        let extra = total % inFlight
        for worker in 0..<inFlight {
            let share = perWorker + (worker < extra ? 1 : 0)
            group.addTask {
                var ok = 0
                for _ in 0..<share {
                    if let pong = try? await client.send(PingAction()), pong.ping == "Pong" { ok += 1 }
                }
                return ok
            }
        }
        return await group.reduce(0, +)
    }
    await client.close()
    print("RESULT client=swift-asterisk pongs=\(pongs)")
}

switch arguments[1] {
case "events":
    try await events(expected: Int(arguments[3]) ?? 0)
case "ping":
    try await ping(total: Int(arguments[3]) ?? 0, inFlight: arguments.count > 4 ? Int(arguments[4]) ?? 64 : 64)
default:
    print("usage: ami-bench events PORT N | ami-bench ping PORT M K")
    exit(2)
}
