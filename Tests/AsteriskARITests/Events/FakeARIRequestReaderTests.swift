@testable import AsteriskTesting
import NIOCore
import NIOHTTP1
import Testing

/// `FakeARIRequestReader`, the fake ARI server's HTTP/1.1 request reader, without sockets.
@Suite("Fake ARI request reader")
struct FakeARIRequestReaderTests {
    let reader = FakeARIRequestReader()

    /// Whether `buffer` holds no complete request yet.
    func isIncomplete(_ buffer: ByteBuffer) throws -> Bool { try reader.request(in: buffer) == nil }

    /// Reads every complete request of `text`, in order, and what is left unread.
    func readAll(_ text: String, with reader: FakeARIRequestReader = .init()) throws -> ([FakeARIRequestReader.Request], Int) {
        var buffer = ByteBuffer(string: text)
        var requests: [FakeARIRequestReader.Request] = []
        while let request = try reader.request(in: buffer) {
            requests.append(request)
            buffer.moveReaderIndex(forwardBy: request.length)
        }
        return (requests, buffer.readableBytes)
    }

    @Test func readsAGetWithItsHeaders() throws {
        let (requests, left) = try readAll("GET /ari/asterisk/info?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization:  Basic YQ==  \r\n\r\n")
        #expect(left == 0)
        let head = try #require(requests.first).head
        #expect(head.method == .GET)
        #expect(head.uri == "/ari/asterisk/info?x=1")
        #expect(head.version == .http1_1)
        #expect(head.headers["authorization"] == ["Basic YQ=="])
        #expect(head.isKeepAlive)
        #expect(requests[0].body.readableBytes == 0)
    }

    @Test func http10ClosesUnlessKeptAlive() throws {
        let (requests, _) = try readAll("GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(requests.map(\.head.isKeepAlive) == [false, true])
    }

    @Test func sizedAndChunkedBodiesAndBareLineFeeds() throws {
        let text = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
            + "POST /b HTTP/1.1\nTransfer-Encoding: Chunked\n\n2\nde\nA;x=y\r\n0123456789\r\n0\r\nT: 1\r\n\r\n"
            + "\r\nDELETE /c HTTP/1.1\r\n\r\n"
        let (requests, left) = try readAll(text)
        #expect(left == 0)
        #expect(requests.map(\.head.uri) == ["/a", "/b", "/c"])
        #expect(requests.map { String(buffer: $0.body) } == ["abc", "de0123456789", ""])
        #expect(requests.map(\.length).reduce(0, +) == text.utf8.count)
    }

    /// However the bytes are cut, nothing is read before a request is whole, and then it is read the same.
    @Test func everyCutWaitsForTheWholeRequest() throws {
        let text = "POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
            + "PUT /y HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        let (whole, _) = try readAll(text)
        let first = whole[0].length
        for cut in 0..<first {
            #expect(try isIncomplete(ByteBuffer(string: String(text.utf8.prefix(cut))!)), "read at cut \(cut)")
        }
        for cut in first..<text.utf8.count {
            var buffer = ByteBuffer(string: String(text.utf8.prefix(cut))!)
            buffer.moveReaderIndex(forwardBy: first)
            #expect(try isIncomplete(buffer), "second read at cut \(cut)")
        }
        #expect(whole.map { String(buffer: $0.body) } == ["hi", "abc"])
    }

    @Test(arguments: [
        "HELLO\r\n\r\n",
        "GET /x HTTP/2.0\r\n\r\n",
        "GET  /x HTTP/1.1\r\n\r\n",
        "G(T /x HTTP/1.1\r\n\r\n",
        "GET /x HTTP/1.1\r\nNo colon\r\n\r\n",
        "GET /x HTTP/1.1\r\nBad name: v\r\n\r\n",
        "GET /x HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
        "GET /x HTTP/1.1\r\nA: b\rc\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "POST /x HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
    ])
    func malformedRequestsAreRefused(text: String) {
        #expect(throws: FakeARIRequestReader.Failure.self) { try reader.request(in: ByteBuffer(string: text)) }
    }

    @Test func limitsAreKept() throws {
        var small = FakeARIRequestReader()
        small.maximumHead = 64
        small.maximumBody = 8
        #expect(throws: FakeARIRequestReader.Failure.headTooLarge) {
            try small.request(in: ByteBuffer(string: "GET /x HTTP/1.1\r\nX: " + String(repeating: "a", count: 80)))
        }
        #expect(throws: FakeARIRequestReader.Failure.headTooLarge) {
            try small.request(in: ByteBuffer(string: "GET /x HTTP/1.1\r\nX: " + String(repeating: "a", count: 60) + "\r\n\r\n"))
        }
        #expect(throws: FakeARIRequestReader.Failure.bodyTooLarge) {
            try small.request(in: ByteBuffer(string: "POST /x HTTP/1.1\r\nContent-Length: 9\r\n\r\n"))
        }
        #expect(throws: FakeARIRequestReader.Failure.bodyTooLarge) {
            try small.request(in: ByteBuffer(string: "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n5\r\n"))
        }
        #expect(try small.request(in: ByteBuffer(string: "POST /x HTTP/1.1\r\nContent-Length: 8\r\n\r\n12345678"))?.body.readableBytes == 8)
        // A chunked body is bounded in every part: its size lines, its trailers, its number of chunks.
        let chunked = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(throws: FakeARIRequestReader.Failure.malformed("a chunk size line too long")) {
            try small.request(in: ByteBuffer(string: chunked + "1;" + String(repeating: "x", count: 5000)))
        }
        #expect(throws: FakeARIRequestReader.Failure.headTooLarge) {
            try small.request(in: ByteBuffer(string: chunked + "0\r\nT: " + String(repeating: "t", count: 100)))
        }
        small.maximumChunks = 3
        #expect(throws: FakeARIRequestReader.Failure.bodyTooLarge) {
            try small.request(in: ByteBuffer(string: chunked + String(repeating: "1\r\na\r\n", count: 4) + "0\r\n\r\n"))
        }
        #expect(try small.request(in: ByteBuffer(string: chunked + String(repeating: "1\r\na\r\n", count: 3) + "0\r\n\r\n"))?.body == ByteBuffer(string: "aaa"))
        #expect(FakeARIRequestReader.Failure.headTooLarge.status == 431)
        #expect(FakeARIRequestReader.Failure.bodyTooLarge.status == 413)
        #expect(FakeARIRequestReader.Failure.malformed("x").status == 400)
    }
}
