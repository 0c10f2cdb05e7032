@testable import AsteriskAGI
import AsteriskTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Connects to `port`, writes `bytes`, and resets the connection (`SO_LINGER` 0) unless `waitForClose`,
/// in which case it waits for the server to close it; returns whether the server closed it.
@discardableResult
private func rawCall(port: Int, bytes: [UInt8], waitForClose: Bool = false, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> Bool {
    let channel = try await ClientBootstrap(group: group)
        .connect(host: "127.0.0.1", port: port).get()
    if let provider = channel as? SocketOptionProvider { try await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get() }
    var buffer = channel.allocator.buffer(capacity: bytes.count)
    buffer.writeBytes(bytes)
    try? await channel.writeAndFlush(buffer).get()
    if waitForClose {
        // Bounded: after 10 s (times ASTERISK_TEST_TIME_SCALE) the test closes it itself and reports that the server did not.
        let gaveUp = NIOLockedValueBox(false)
        let giveUp = channel.eventLoop.scheduleTask(in: TimeAmount(TestTiming.scaled(.seconds(10)))) {
            gaveUp.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        giveUp.cancel()
        return !gaveUp.withLockedValue { $0 }
    }
    try? await channel.close().get()
    return false
}

/// A caller that sends its environment from the event loop as soon as it is connected (so a busy test
/// pool cannot make it late) and answers every command with `200 result=0`; keeps what it received.
private final class EagerAGICaller: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let environment: String
    let received = NIOLockedValueBox("")

    init(script: String) { environment = "agi_network: yes\nagi_network_script: \(script)\nagi_request: agi://127.0.0.1/\(script)\n\n" }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: environment)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let text = String(buffer: unwrapInboundIn(data))
        received.withLockedValue { $0 += text }
        for _ in text.split(separator: "\n") { context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "200 result=0\n")), promise: nil) }
    }
}

@Suite("FastAGI under floods and hostile peers")
struct FastAGIFloodTests {
    private func startServer(_ calls: Collected<String>) async throws -> FastAGIServer {
        let server = FastAGIServer(configuration: .init(port: 0, idleTimeout: .seconds(2), shutdownGracePeriod: .seconds(2))) { router in
            router.fallback { call in
                calls.append(call.environment.script)
                try await call.answer()
            }
        }
        try await server.start()
        return server
    }

    /// 10,000 connections under `ASTERISK_STRESS=full`, 500 otherwise.
    @Test func tenThousandConnectionsDroppedAbruptlyLeaveNothingBehind() async throws {
        let calls = Collected<String>()
        let server = try await startServer(calls)
        let before = ResidentMemory.bytes()
        let partials: [[UInt8]] = [
            [], Array("agi_network: yes\n".utf8), Array("agi_network: yes\nagi_network_script: half\nagi_req".utf8),
            Array("agi_network: yes\nagi_network_script: whole\n\n".utf8),
        ]
        // Callers on loops of their own, so the other suites' loopback tests are not starved.
        let callers = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let batches = StressScale.pick(full: 40, moderate: 2)
        for batch in 0..<batches {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<250 {
                    group.addTask {
                        try await rawCall(port: server.port, bytes: partials[(batch * 250 + index) % partials.count], group: callers)
                    }
                }
                try await group.waitForAll()
            }
        }
        try await callers.shutdownGracefully()
        // Every session ends (the reset ones at once, the rest by the idle timeout at the latest).
        _ = try await TestTiming.eventually(within: .seconds(10), every: .milliseconds(20)) { server.activeSessions == 0 }
        #expect(server.activeSessions == 0)
        #expect(calls.values.allSatisfy { $0 == "whole" })
        // The server still serves a proper call.
        let record = try await FakeAGICaller.call(port: server.port, script: "after", timeout: TestTiming.scaled(.seconds(10)))
        #expect(record.commands.map(\.line) == ["ANSWER"])
        if StressScale.isFull, let before, let after = ResidentMemory.bytes() { #expect(after - before < 64 << 20) }
        await server.shutdown()
    }

    /// Peers that connect and never finish an environment hold no session past `environmentTimeout`:
    /// with every session taken by them, a real call gets through once they are closed; a call whose
    /// environment arrived runs on past the timeout.
    @Test func silentPeersAreClosedAtTheEnvironmentTimeout() async throws {
        let calls = Collected<String>()
        // Long enough that a real caller's environment, on a machine busy with the other suites, is
        // never late; the silent peers are closed after it all the same.
        let timeout = TestTiming.scaled(.seconds(1))
        let server = FastAGIServer(configuration: .init(port: 0, maximumSessions: 2, environmentTimeout: timeout)) { router in
            router.fallback { call in
                calls.append(call.environment.script)
                if call.environment.script == "slow" { try await Task.sleep(for: timeout * 2) }
                try await call.answer()
            }
        }
        try await server.start()
        async let silent = rawCall(port: server.port, bytes: [], waitForClose: true)
        async let halfway = rawCall(port: server.port, bytes: Array("agi_network: yes\nagi_network_script: half\n".utf8), waitForClose: true)
        #expect(try await silent, "a peer that sends nothing must be closed")
        #expect(try await halfway, "a peer that stops inside its environment must be closed")
        _ = try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(10)) { server.activeSessions == 0 }
        #expect(server.activeSessions == 0)
        #expect(calls.values.isEmpty)
        let caller = EagerAGICaller(script: "slow")
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(caller) } }
            .connect(host: "127.0.0.1", port: server.port).get()
        // The handler answers after twice the timeout, then ends the call (the server closes the connection).
        let gaveUp = channel.eventLoop.scheduleTask(in: TimeAmount(TestTiming.scaled(.seconds(20)))) { channel.close(promise: nil) }
        try? await channel.closeFuture.get()
        gaveUp.cancel()
        #expect(caller.received.withLockedValue { $0 } == "ANSWER\n")
        #expect(calls.values == ["slow"])
        await server.shutdown()
    }

    @Test(arguments: [
        ("binary", [UInt8](repeating: 0xFF, count: 300) + [10, 10]),
        ("no colon", Array("agi_network yes\n\n".utf8)),
        ("overlong line", [UInt8](repeating: 97, count: 100_000)),
        ("too many entries", Array(String(repeating: "agi_arg: x\n", count: 2000).utf8) + [10]),
        ("NUL inside", Array("agi_network: y\0es\nagi_network_script: nul\n\n".utf8)),
        ("replies before an environment", Array("200 result=0\n510 Invalid or unknown command\n\n".utf8)),
    ])
    func malformedEnvironmentsAreRefusedWithoutRunningTheHandler(_ label: String, _ bytes: [UInt8]) async throws {
        let calls = Collected<String>()
        let server = try await startServer(calls)
        let closed = try await rawCall(port: server.port, bytes: bytes, waitForClose: true)
        #expect(closed, "\(label): the server must close the connection")
        #expect(calls.values.isEmpty || calls.values.allSatisfy { $0 == "nul" }, "\(label): the handler ran on garbage")
        let record = try await FakeAGICaller.call(port: server.port, script: "after", timeout: TestTiming.scaled(.seconds(10)))
        #expect(record.commands.map(\.line) == ["ANSWER"], "\(label): the server stopped serving")
        await server.shutdown()
    }
}
