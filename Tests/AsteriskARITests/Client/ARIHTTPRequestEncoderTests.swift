import AsteriskTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import AsteriskARI

@Suite("ARI HTTP request encoder")
struct ARIHTTPRequestEncoderTests {
    private func encoded(_ request: ARIHTTPRequest) throws(ARIError) -> String {
        var buffer = ByteBuffer()
        try ARIHTTPRequestEncoder.encode(request, into: &buffer)
        return String(buffer: buffer)
    }

    private var headers: HTTPHeaders { ["Host": "pbx:8088", "Authorization": "Basic YXBwOnNlY3JldA=="] }

    @Test func writesAGetWithoutALength() throws {
        let request = ARIHTTPRequest(method: .GET, target: "/ari/asterisk/info?only=build", headers: headers, body: nil)
        #expect(try encoded(request) == "GET /ari/asterisk/info?only=build HTTP/1.1\r\nHost: pbx:8088\r\nAuthorization: Basic YXBwOnNlY3JldA==\r\n\r\n")
    }

    @Test func writesItsOwnLengthForBodiesAndEmptyPosts() throws {
        var withBody = ARIHTTPRequest(method: .POST, target: "/ari/channels", headers: headers, body: ByteBuffer(string: #"{"a":1}"#))
        withBody.headers.add(name: "content-length", value: "999")
        #expect(try encoded(withBody) == "POST /ari/channels HTTP/1.1\r\nHost: pbx:8088\r\nAuthorization: Basic YXBwOnNlY3JldA==\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
        let empty = ARIHTTPRequest(method: .DELETE, target: "/ari/channels/x", headers: ["Host": "pbx"], body: nil)
        #expect(try encoded(empty) == "DELETE /ari/channels/x HTTP/1.1\r\nHost: pbx\r\nContent-Length: 0\r\n\r\n")
    }

    /// A client's fixed header lines are checked and encoded once, then written after the request
    /// line of each request, before its own headers.
    @Test func writesAPreparedHeaderBlockBeforeTheRequestsOwnHeaders() throws {
        let block = try ARIHTTPRequestEncoder.headerBlock(headers)
        #expect(String(buffer: block) == "Host: pbx:8088\r\nAuthorization: Basic YXBwOnNlY3JldA==\r\n")
        let request = ARIHTTPRequest(
            method: .POST, target: "/ari/channels", headers: ["Content-Type": "application/json"], body: ByteBuffer(string: "{}"),
            headerBlock: block)
        #expect(
            try encoded(request)
                == "POST /ari/channels HTTP/1.1\r\nHost: pbx:8088\r\nAuthorization: Basic YXBwOnNlY3JldA==\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\n\r\n{}")
        for bad: HTTPHeaders in [["Host": "pbx\r\nX-Evil: 1"], ["Bad Name": "x"], ["Host": "p\u{0}"]] {
            #expect(throws: ARIError.self, "\(bad)") { try ARIHTTPRequestEncoder.headerBlock(bad) }
        }
    }

    @Test(arguments: [
        ("target with CRLF", ARIHTTPRequest(method: .GET, target: "/ari/x\r\nX-Evil: 1", headers: ["Host": "pbx"], body: nil)),
        ("target with a space", ARIHTTPRequest(method: .GET, target: "/ari/x HTTP/1.0", headers: ["Host": "pbx"], body: nil)),
        ("empty target", ARIHTTPRequest(method: .GET, target: "", headers: ["Host": "pbx"], body: nil)),
        ("value with LF", ARIHTTPRequest(method: .GET, target: "/ari/x", headers: ["Host": "pbx\nX-Evil: 1"], body: nil)),
        ("value with CR", ARIHTTPRequest(method: .GET, target: "/ari/x", headers: ["Host": "pbx\r"], body: nil)),
        ("value with NUL", ARIHTTPRequest(method: .GET, target: "/ari/x", headers: ["Host": "p\u{0}bx"], body: nil)),
        ("name with a colon", ARIHTTPRequest(method: .GET, target: "/ari/x", headers: ["X-A: b": "c"], body: nil)),
        ("method with a space", ARIHTTPRequest(method: .RAW(value: "GET /"), target: "/ari/x", headers: ["Host": "pbx"], body: nil)),
    ])
    func refusesWhatWouldBreakTheFramingAndWritesNothing(_ name: String, _ request: ARIHTTPRequest) {
        var buffer = ByteBuffer(string: "before")
        #expect(throws: ARIError.self, "\(name)") { try ARIHTTPRequestEncoder.encode(request, into: &buffer) }
        #expect(String(buffer: buffer) == "before", "\(name): bytes written before the refusal")
    }

    /// What the encoder writes, the fake ARI server reads as the same request (over loopback, through the client).
    @Test func aClientRequestReachesTheFakeAsSent() async throws {
        let server = try await FakeARIServer.start()
        server.onRequest { _ in FakeARIResponse(status: 204) }
        let ari = ARIClient(configuration: .init(baseURL: server.baseURL, credentials: .basic("app", "secret")))
        _ = try await ari.send(try .raw(method: "POST", path: "channels/a b/variable", query: [.init(name: "variable", value: "X=1&2")]))
        let seen = try #require(server.requests.last)
        #expect(seen.method == "POST" && seen.path == "/channels/a b/variable" && seen.query["variable"] == "X=1&2")
        try await ari.shutdown()
        await server.stop()
    }
}
