import AsteriskTesting
import Foundation
import NIOCore
import Testing

/// The fake's own HTTP/1.1 front (`FakeARIPlainHTTPHandler`) over a raw socket: what clients send
/// besides one well-formed request at a time.
@Suite("Fake ARI server plain HTTP")
struct FakeARIPlainHTTPTests {
    static let ping = "GET /ari/asterisk/ping HTTP/1.1\r\nHost: x\r\n\(RawConnection.auth)\r\n\r\n"
    static let info = "GET /ari/asterisk/info HTTP/1.1\r\nHost: x\r\n\(RawConnection.auth)\r\n\r\n"

    /// A server whose `POST /echo` answers with the request's body.
    static func echoServer() async throws -> FakeARIServer {
        let server = try await FakeARIServer.start()
        server.onRequest { request in
            request.path == "/echo" ? FakeARIResponse(status: 200, body: "{\"echo\":\(request.body)}") : nil
        }
        return server
    }

    /// Requests written back to back in one packet are all answered, in order; a `Connection: close`
    /// request is the last one answered.
    @Test func pipelinedRequestsAreAnsweredInOrderUntilClose() async throws {
        let server = try await FakeARIServer.start()
        let connection = try await RawConnection(to: server)
        let closing = "GET /ari/asterisk/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\(RawConnection.auth)\r\n\r\n"
        try await connection.send(Self.ping + Self.info + closing + Self.info)
        #expect(try await connection.waitForClose(), "the connection stayed open after Connection: close")
        let received = connection.received
        let answers = received.components(separatedBy: "HTTP/1.1 200 OK").count - 1
        #expect(answers == 3, "\(answers) answers: \(received)")
        let pong = try #require(received.range(of: "\"pong\""))
        let info = try #require(received.range(of: "\"system\""))
        #expect(pong.lowerBound < info.lowerBound, "answers out of order: \(received)")
        #expect(received.contains("Connection: close"))
        await server.stop()
    }

    /// A request that is not HTTP gets 400 and the connection ends (its framing is lost).
    @Test func garbageIsRefusedWithBadRequest() async throws {
        let server = try await FakeARIServer.start()
        for garbage in ["HELLO\r\n\r\n", "GET /ari/asterisk/ping HTTP/2.0\r\n\r\n", "GET /x HTTP/1.1\r\nno colon here\r\n\r\n"] {
            let connection = try await RawConnection(to: server)
            try await connection.send(garbage)
            #expect(try await connection.waitForClose(), "still open after \(garbage.debugDescription)")
            #expect(connection.received.hasPrefix("HTTP/1.1 400 Bad Request"), "\(garbage.debugDescription): \(connection.received)")
        }
        #expect(server.requests.isEmpty)
        await server.stop()
    }

    /// A head that never ends is cut off at the reader's limit with 431.
    @Test func anEndlessHeadIsRefused() async throws {
        let server = try await FakeARIServer.start()
        let connection = try await RawConnection(to: server)
        try await connection.send("GET /ari/asterisk/ping HTTP/1.1\r\nX-Filler: " + String(repeating: "a", count: 70_000))
        #expect(try await connection.waitForClose())
        #expect(connection.received.hasPrefix("HTTP/1.1 431"), "\(connection.received.prefix(80))")
        await server.stop()
    }

    /// Bodies arrive whole whether sized or chunked, and however the bytes are cut.
    @Test func sizedAndChunkedBodiesReachTheServer() async throws {
        let server = try await Self.echoServer()
        let connection = try await RawConnection(to: server)
        let sized = "POST /ari/echo HTTP/1.1\r\nHost: x\r\n\(RawConnection.auth)\r\nContent-Length: 7\r\n\r\n[1,2,3]"
        let chunked = "POST /ari/echo HTTP/1.1\r\nHost: x\r\n\(RawConnection.auth)\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;ext=1\r\n[\"a\"\r\n5\r\n,\"bc\"\r\n1\r\n]\r\n0\r\nX-Trailer: y\r\n\r\n"
        for piece in (sized + chunked).utf8.map({ String(decoding: [$0], as: UTF8.self) }).chunked(by: 5) {
            try await connection.send(piece.joined())
        }
        #expect(try await connection.waitFor("{\"echo\":[\"a\",\"bc\"]}"))
        #expect(connection.received.contains("{\"echo\":[1,2,3]}"))
        #expect(server.requests.map(\.body) == ["[1,2,3]", "[\"a\",\"bc\"]"])
        await server.stop()
    }

    /// A request that comes while a delayed answer is due waits for it, even when it would be
    /// answered at once: answers keep the order of their requests.
    @Test func delayedAnswersKeepTheirOrder() async throws {
        let server = try await FakeARIServer.start()
        server.delayResponses(by: .milliseconds(200))
        let connection = try await RawConnection(to: server)
        try await connection.send(Self.info)
        _ = try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(2)) { server.requests.count == 1 }
        // The fake reads the delay just after recording the request; then the answer is due.
        try await Task.sleep(for: .milliseconds(50))
        server.delayResponses(by: nil)
        try await connection.send(Self.ping)
        #expect(try await connection.waitFor("\"pong\""))
        let received = connection.received
        let info = try #require(received.range(of: "\"system\""))
        #expect(info.lowerBound < received.range(of: "\"pong\"")!.lowerBound, "answers out of order: \(received)")
        #expect(connection.channel.isActive)
        await server.stop()
    }

    /// An upgrade request in the same packet as a plain one: the plain one is answered, then the
    /// connection becomes the events WebSocket.
    @Test func anUpgradeRightAfterAPlainRequestInOnePacket() async throws {
        let server = try await FakeARIServer.start()
        let connection = try await RawConnection(to: server)
        try await connection.send(
            Self.ping
            + "GET /ari/events?app=same-packet HTTP/1.1\r\nHost: x\r\n\(RawConnection.auth)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        #expect(try await connection.waitFor("101 Switching Protocols"))
        #expect(connection.received.contains("\"pong\""))
        _ = try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { server.registeredApps == ["same-packet"] }
        server.emit(["type": "StasisStart", "args": [String](), "channel": FakeARIServer.sampleChannel(id: "same-packet-1")], app: "same-packet")
        #expect(try await connection.waitFor("same-packet-1"))
        try await connection.channel.close()
        await server.stop()
    }
}

extension Array {
    /// The elements in groups of `size` (the last may be shorter).
    fileprivate func chunked(by size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
