import AsteriskTesting
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import AsteriskARI

/// A loopback HTTP server whose every answer a test writes by hand: `answer` gets the connection's
/// number and the request's head and returns the bytes to send (nil sends nothing and keeps the
/// connection open, `close` in the returned action closes it after).
private final class ScriptedHTTPServer: Sendable {
    /// What the server does with one request.
    enum Action: Sendable {
        case send(String, thenClose: Bool)
        case silence
    }

    let channel: any Channel
    let accepted = NIOLockedValueBox(0)
    let requests = NIOLockedValueBox([String]())

    private init(channel: any Channel) { self.channel = channel }

    var port: Int { channel.localAddress?.port ?? 0 }

    /// `http://127.0.0.1:<port>/ari`.
    var baseURL: String { "http://127.0.0.1:\(port)/ari" }

    static func start(_ answer: @escaping @Sendable (_ connection: Int, _ head: String) -> Action) async throws -> ScriptedHTTPServer {
        let box = NIOLockedValueBox<ScriptedHTTPServer?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    guard let server = box.withLockedValue({ $0 }) else { return }
                    let number = server.accepted.withLockedValue { count in
                        count += 1
                        return count
                    }
                    try child.pipeline.syncOperations.addHandler(Handler(server: server, connection: number, answer: answer))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = ScriptedHTTPServer(channel: channel)
        box.withLockedValue { $0 = server }
        return server
    }

    func stop() async { try? await channel.close() }

    /// Splits the bytes into request heads (the tests send no bodies) and answers each.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let server: ScriptedHTTPServer
        let connection: Int
        let answer: @Sendable (Int, String) -> Action
        var pending = ""

        init(server: ScriptedHTTPServer, connection: Int, answer: @escaping @Sendable (Int, String) -> Action) {
            self.server = server
            self.connection = connection
            self.answer = answer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += String(buffer: unwrapInboundIn(data))
            while let end = pending.range(of: "\r\n\r\n") {
                let head = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                server.requests.withLockedValue { $0.append(head) }
                guard case .send(let text, let thenClose) = answer(connection, head) else { continue }
                context.writeAndFlush(NIOAny(ByteBuffer(string: text)), promise: nil)
                if thenClose { context.close(promise: nil) }
            }
        }
    }
}

private let pong = #"{"asterisk_id":"00:11:22:33:44:55","ping":"pong","timestamp":"2026-12-06T10:00:00.000+0000"}"#
private let ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(pong.utf8.count)\r\n\r\n" + pong

@Suite("ARI's own HTTP/1.1 connection pool", .timeLimit(.minutes(2)))
struct ARIHTTPPoolTests {
    private func client(_ url: String, timeout: Duration = .seconds(5), maxConnections: Int = 8, maxResponseSize: Int = 1 << 20) -> ARIClient {
        ARIClient(configuration: .init(
            baseURL: url, credentials: .basic("app", "secret"), requestTimeout: TestTiming.scaled(timeout),
            connectTimeout: TestTiming.scaled(.seconds(2)), maxResponseSize: maxResponseSize, maxConnections: maxConnections))
    }

    private func ping(_ ari: ARIClient) async -> Result<String?, ARIError> {
        do throws(ARIError) {
            return .success(try await ari.send(ARIOperations.Asterisk.ping()).ping)
        } catch {
            return .failure(error)
        }
    }

    @Test func connectionsAreKeptAliveReusedAndBounded() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .send(ok, thenClose: false) }
        let ari = client(server.baseURL, maxConnections: 3)
        for _ in 0..<20 { #expect(try await ari.send(ARIOperations.Asterisk.ping()).ping == "pong") }
        #expect(server.accepted.withLockedValue { $0 } == 1, "one request at a time needs one connection")
        try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<60 { group.addTask { try await ari.send(ARIOperations.Asterisk.ping()).ping } }
            for try await answer in group { #expect(answer == "pong") }
        }
        #expect(server.accepted.withLockedValue { $0 } <= 3)
        let head = try #require(server.requests.withLockedValue { $0.first })
        #expect(head.hasPrefix("GET /ari/asterisk/ping HTTP/1.1\r\n"))
        #expect(head.contains("Host: 127.0.0.1:\(server.port)"))
        #expect(head.contains("Authorization: Basic YXBwOnNlY3JldA=="))
        try await ari.shutdown()
        await server.stop()
    }

    @Test func aServerThatClosesAfterEachAnswerGetsAFreshConnectionEachTime() async throws {
        let closing = ok.replacingOccurrences(of: "\r\n\r\n", with: "\r\nConnection: close\r\n\r\n")
        let server = try await ScriptedHTTPServer.start { _, _ in .send(closing, thenClose: true) }
        let ari = client(server.baseURL)
        for _ in 0..<5 { #expect(try await ari.send(ARIOperations.Asterisk.ping()).ping == "pong") }
        #expect(server.accepted.withLockedValue { $0 } == 5)
        // A server that says keep-alive but closes anyway: the closed connection is not used again.
        let rude = try await ScriptedHTTPServer.start { _, _ in .send(ok, thenClose: true) }
        let other = client(rude.baseURL)
        for _ in 0..<3 {
            #expect(try await other.send(ARIOperations.Asterisk.ping()).ping == "pong")
            _ = try await TestTiming.eventually { other.openHTTPConnections == 0 }
        }
        try await ari.shutdown()
        try await other.shutdown()
        await server.stop()
        await rude.stop()
    }

    @Test func oversizedGarbledAndCutAnswersAreTypedErrorsAndTheNextRequestWorks() async throws {
        let server = try await ScriptedHTTPServer.start { _, head in
            switch head.split(separator: " ")[1] {
            case "/ari/asterisk/ping?case=big":
                return .send("HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n{", thenClose: false)
            case "/ari/asterisk/ping?case=chunked":
                return .send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "400\r\n" + String(repeating: "x", count: 1024) + "\r\n", count: 64), thenClose: false)
            case "/ari/asterisk/ping?case=garbage":
                return .send("HELLO THERE\r\n\r\n", thenClose: false)
            case "/ari/asterisk/ping?case=pieces":
                let pieces = [#"{"asterisk_id":"02:fc","#, #""ping":"po"#, #"ng","timestamp":"2026-12-07T00:00:00.000+0000"}"#]
                let chunks = pieces.map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined()
                return .send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n", thenClose: false)
            case "/ari/asterisk/ping?case=continue":
                return .send("HTTP/1.1 100 Continue\r\n\r\n" + ok, thenClose: false)
            case "/ari/asterisk/ping?case=cut":
                return .send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"ping\"", thenClose: true)
            default:
                return .send(ok, thenClose: false)
            }
        }
        let ari = client(server.baseURL, maxResponseSize: 32 * 1024)
        let cases: [(String, ARIError.Code)] = [
            ("big", .malformedResponse), ("chunked", .malformedResponse), ("garbage", .malformedResponse), ("cut", .connectionFailed),
        ]
        // An informational answer before the real one is passed over (NIO's decoder drops it).
        let continued = ARIRequest<ARIAsteriskPing>(
            "GET", "/asterisk/ping", query: [URLQueryItem(name: "case", value: "continue")], operation: "asterisk.ping")
        #expect(try await ari.send(continued).ping == "pong")
        // A body in several chunks is joined whole.
        let pieces = ARIRequest<ARIAsteriskPing>(
            "GET", "/asterisk/ping", query: [URLQueryItem(name: "case", value: "pieces")], operation: "asterisk.ping")
        let joined = try await ari.send(pieces)
        #expect(joined.ping == "pong" && joined.asteriskID == "02:fc")
        for (name, code) in cases {
            let request = ARIRequest<ARIAsteriskPing>(
                "GET", "/asterisk/ping", query: [URLQueryItem(name: "case", value: name)], operation: "asterisk.ping")
            do {
                _ = try await ari.send(request)
                Issue.record("\(name): no error")
            } catch {
                #expect(error.code == code, "\(name): \(error)")
            }
            #expect((try? await ping(ari).get()) == "pong", "\(name): the next request failed")
        }
        try await ari.shutdown()
        await server.stop()
    }

    @Test func timeoutsCancellationAndShutdownEndEveryWaitingRequestPromptly() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .silence }
        let ari = client(server.baseURL, timeout: .milliseconds(300), maxConnections: 1)
        // One on the wire, two waiting for the only connection: all three time out.
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Result<String?, ARIError>.self) { group in
            for _ in 0..<3 { group.addTask { await self.ping(ari) } }
            for try await result in group { #expect(result.errorCode == .timeout) }
        }
        #expect(ContinuousClock.now - started < TestTiming.scaled(.seconds(2)))
        // Cancelled: on the wire and waiting.
        let patient = client(server.baseURL, timeout: .seconds(60), maxConnections: 1)
        var seen = server.requests.withLockedValue { $0.count }
        let onTheWire = Task { await ping(patient) }
        let waiting = Task { await ping(patient) }
        _ = try await TestTiming.eventually { [seen] in server.requests.withLockedValue { $0.count } > seen }
        waiting.cancel()
        onTheWire.cancel()
        #expect(await waiting.value.errorCode == .cancelled)
        #expect(await onTheWire.value.errorCode == .cancelled)
        // Shut down with a request on the wire and one waiting: both fail at once.
        seen = server.requests.withLockedValue { $0.count }
        let first = Task { await ping(patient) }
        let second = Task { await ping(patient) }
        _ = try await TestTiming.eventually { [seen] in server.requests.withLockedValue { $0.count } > seen }
        let shutdownAt = ContinuousClock.now
        try await patient.shutdown()
        #expect(await first.value.errorCode == .connectionFailed)
        #expect(await second.value.errorCode == .connectionFailed)
        #expect(ContinuousClock.now - shutdownAt < TestTiming.scaled(.seconds(1)))
        #expect(await ping(patient).errorCode == .connectionFailed)
        try await ari.shutdown()
        await server.stop()
    }

    @Test func connectingIsBoundedByTheRequestsTimeout() async throws {
        // A listener that never accepts: once its queue is full, new connections hang in the handshake.
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1)
            .serverChannelOption(.autoRead, value: false)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        var fillers: [any Channel] = []
        for _ in 0..<4 {
            if let filler = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(200)).connect(host: "127.0.0.1", port: port).get()
            {
                fillers.append(filler)
            }
        }
        let ari = ARIClient(configuration: .init(
            baseURL: "http://127.0.0.1:\(port)/ari", credentials: .basic("app", "secret"), requestTimeout: .milliseconds(300),
            connectTimeout: .seconds(30)))
        let started = ContinuousClock.now
        #expect(await ping(ari).errorCode == .timeout)
        #expect(ContinuousClock.now - started < TestTiming.scaled(.seconds(3)))
        try await ari.shutdown()
        for filler in fillers { try? await filler.close() }
        try await listener.close()
    }

    @Test func requestsFromTheClientsOwnExecutorRunOnItsEventLoop() async throws {
        guard #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *) else { return }
        let server = try await ScriptedHTTPServer.start { _, _ in .send(ok, thenClose: false) }
        let ari = client(server.baseURL, maxConnections: 2)
        let outcome = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for _ in 0..<4 {
                group.addTask(executorPreference: ari.taskExecutor) {
                    var answered = 0
                    for _ in 0..<25 where try await ari.send(ARIOperations.Asterisk.ping()).ping == "pong" { answered += 1 }
                    return (answered, ari.eventLoop.inEventLoop)
                }
            }
            return try await group.reduce(into: (0, true)) { $0 = ($0.0 + $1.0, $0.1 && $1.1) }
        }
        #expect(outcome.0 == 100)
        #expect(outcome.1, "the workers did not run on the client's event loop")
        #expect(server.accepted.withLockedValue { $0 } <= 2)
        try await ari.shutdown()
        await server.stop()
    }

    @Test func baseURLsAreReadIntoEndpoints() throws {
        let plain = try ARIHTTPEndpoint(baseURL: "http://pbx.example.com:8088/ari/")
        #expect(plain.host == "pbx.example.com" && plain.port == 8088 && !plain.useTLS && plain.basePath == "/ari")
        #expect(plain.hostHeader == "pbx.example.com:8088" && plain.tlsServerName == "pbx.example.com")
        let secure = try ARIHTTPEndpoint(baseURL: "https://10.0.0.5/ari")
        #expect(secure.port == 443 && secure.useTLS && secure.tlsServerName == nil && secure.hostHeader == "10.0.0.5")
        let six = try ARIHTTPEndpoint(baseURL: "http://[::1]:8088/ari")
        #expect(six.host == "::1" && six.hostHeader == "[::1]:8088")
        #expect(throws: ARIError.self) { try ARIHTTPEndpoint(baseURL: "ftp://pbx/ari") }
        #expect(throws: ARIError.self) { try ARIHTTPEndpoint(baseURL: "not a url") }
    }
}

extension Result where Failure == ARIError {
    /// The error's code, nil for a success.
    fileprivate var errorCode: ARIError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
