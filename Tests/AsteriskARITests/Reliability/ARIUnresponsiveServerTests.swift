import AsteriskTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import AsteriskARI

/// A server that accepts connections and then says nothing (a hung Asterisk, or another service on the
/// port): connecting ends with a typed `.timeout` in bounded time instead of waiting for ever.
@Suite("ARI against a server that never answers", .timeLimit(.minutes(1)))
struct ARIUnresponsiveServerTests {
    /// Accepts, reads and discards everything, never writes; `hangUpAll` closes what it accepted (the
    /// tests' own backstop, so a regression fails instead of hanging the suite).
    private final class SilentServer: Sendable {
        let listener: Channel
        private let accepted = NIOLockedValueBox<[Channel]>([])

        init() async throws {
            let accepted = self.accepted
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { channel in
                    accepted.withLockedValue { $0.append(channel) }
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
                .bind(host: "127.0.0.1", port: 0).get()
        }

        var port: Int { listener.localAddress!.port! }

        func hangUpAll() { for channel in accepted.withLockedValue({ $0 }) { channel.close(promise: nil) } }

        func stop() async throws {
            hangUpAll()
            try await listener.close()
        }
    }

    /// Runs `attempt`, which must fail; the backstop hangs up after 20 s. Returns the error and how long it took.
    private func failure(against server: SilentServer, _ attempt: @escaping @Sendable () async throws -> Void) async throws -> (ARIError?, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let backstop = Task {
            try await Task.sleep(for: TestTiming.scaled(.seconds(20)))
            server.hangUpAll()
        }
        defer { backstop.cancel() }
        do {
            try await attempt()
            return (nil, clock.now - start)
        } catch let error as ARIError {
            return (error, clock.now - start)
        }
    }

    @Test func theEventsWebSocketUpgradeTimesOut() async throws {
        let server = try await SilentServer()
        let ari = ARIClient(configuration: .init(
            baseURL: "http://127.0.0.1:\(server.port)/ari", credentials: .basic("app", "secret"), connectTimeout: .milliseconds(300)))
        let (error, elapsed) = try await failure(against: server) { _ = try await ari.events(apps: ["hung"], reconnect: .disabled) }
        #expect(error?.code == .timeout, "\(String(describing: error))")
        #expect(elapsed < TestTiming.scaled(.seconds(10)))
        try await ari.shutdown()
        try await server.stop()
    }

    @Test func aMediaWebSocketUpgradeTimesOut() async throws {
        let server = try await SilentServer()
        let (error, elapsed) = try await failure(against: server) {
            _ = try await ARIMediaSession.connect(url: "ws://127.0.0.1:\(server.port)/media/hung", startTimeout: .milliseconds(300))
        }
        #expect(error?.code == .timeout, "\(String(describing: error))")
        #expect(elapsed < TestTiming.scaled(.seconds(10)))
        try await server.stop()
    }

    @Test func aRESTRequestTimesOut() async throws {
        let server = try await SilentServer()
        let ari = ARIClient(configuration: .init(
            baseURL: "http://127.0.0.1:\(server.port)/ari", credentials: .basic("app", "secret"), requestTimeout: .milliseconds(300)))
        let (error, elapsed) = try await failure(against: server) { _ = try await ari.asterisk.ping() }
        #expect(error?.code == .timeout, "\(String(describing: error))")
        #expect(elapsed < TestTiming.scaled(.seconds(10)))
        try await ari.shutdown()
        try await server.stop()
    }
}
