// fastagi-bench: FastAGIServer under ../shared/bench/run.sh --agi-server (called as `fastagi-bench PORT`).
// Serves the harness's reference script on 127.0.0.1:PORT until killed; script "idle" waits forever
// (for measuring the memory of idle calls). FASTAGI_BENCH_THREADS sets the event loop count; the
// default is half the cores (one on the 2-core bench machines), leaving the rest to the load generator.
// FASTAGI_BENCH_MODE=nio-floor serves the script with a bare NIO handler instead (a reference point).
import AsteriskAGI
import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

guard CommandLine.arguments.count >= 2, let port = Int(CommandLine.arguments[1]) else {
    print("usage: fastagi-bench PORT")
    exit(2)
}

var logger = Logger(label: "fastagi-bench")
logger.logLevel = .error

let threads = Int(getenv("FASTAGI_BENCH_THREADS").map { String(cString: $0) } ?? "") ?? max(1, NIOCore.System.coreCount / 2)
let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
if getenv("FASTAGI_BENCH_MODE").map({ String(cString: $0) }) == "nio-floor" {
    try await NIOFloorServer.run(port: port, group: group)
    exit(0)
}
let server = FastAGIServer(configuration: .init(port: port), logger: logger, eventLoopGroup: group) { router in
    // For memory measurements: a call that waits for a key forever (the caller never answers).
    router.route("idle") { call in
        _ = try await call.waitForDigit(timeout: nil)
    }
    router.route("demo") { call in
        try await call.answer()
        _ = try await call.getVariable("CALLERID(num)")
        try await call.setVariable("FOO", "bar")
        try await call.streamFile("hello-world")
        try await call.sayNumber(42)
        try await call.hangup()
    }
}
try await server.run()
