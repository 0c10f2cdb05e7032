import NIOCore
import Testing

@testable import AsteriskARI

/// What a test compares: a response's status, body text and keep-alive.
fileprivate struct SeenResponse: Equatable, CustomStringConvertible {
    let status: Int
    let body: String
    let keepAlive: Bool

    init(_ status: Int, _ body: String, keepAlive: Bool = true) {
        self.status = status
        self.body = body
        self.keepAlive = keepAlive
    }

    init(_ response: ARIHTTPResponse) {
        self.init(response.status, String(buffer: response.body), keepAlive: response.keepAlive)
    }

    var description: String { "(\(status) \(body.utf8.count) bytes\(keepAlive ? "" : " close"))" }
}

/// What reading a stream came to: the responses, then the failure that stopped it (if any).
fileprivate struct Outcome: Equatable {
    var responses: [SeenResponse] = []
    var failure: ARIHTTPResponseParser.Failure?
}

/// Feeds `stream` in pieces ending at `cuts`, reading every response after each piece, then ends the input.
private func read(_ stream: [UInt8], cutAt cuts: [Int] = [], maxBody: Int = 1 << 20) -> Outcome {
    var parser = ARIHTTPResponseParser(maxBodyBytes: maxBody)
    var outcome = Outcome()
    var start = 0
    do {
        for end in cuts + [stream.count] where end >= start {
            parser.append(ByteBuffer(bytes: stream[start..<end]))
            start = end
            while let response = try parser.next() { outcome.responses.append(SeenResponse(response)) }
        }
        if let last = parser.endOfInput() { outcome.responses.append(SeenResponse(last)) }
    } catch {
        outcome.failure = error
    }
    return outcome
}

private func read(_ text: String, cutAt cuts: [Int] = [], maxBody: Int = 1 << 20) -> Outcome {
    read(Array(text.utf8), cutAt: cuts, maxBody: maxBody)
}

@Suite("ARI HTTP response parser")
struct ARIHTTPResponseParserTests {
    /// Asterisk's own shape of answer, a chunked one, an interim 100, a 204, LF-only lines, an HTTP/1.0
    /// keep-alive and a closing answer: every way a stream of answers can be framed.
    static let stream =
        "HTTP/1.1 200 OK\r\nServer: Asterisk/23.4.1\r\nDate: Mon, 23 Nov 2026 04:16:33 GMT\r\nCache-Control: no-cache, no-store\r\n"
        + "Content-Length: 16\r\nContent-type: application/json\r\n\r\n{\"ping\":\"pong\"}\n"
        + "HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 201 Created\r\nTransfer-Encoding: Chunked\r\n\r\n4;ext=1\r\n{\"a\"\r\nA\r\n:\"bcdefghi\r\n1\r\n}\r\n0\r\nX-Trailer: yes\r\n\r\n"
        + "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
        + "HTTP/1.1 404 Not Found\nContent-Length: 2\n\n{}"
        + "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 3\r\n\r\n[1]"
        + "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 4\r\n\r\nnull"

    fileprivate static let expected = [
        SeenResponse(200, "{\"ping\":\"pong\"}\n"), SeenResponse(201, "{\"a\":\"bcdefghi}"), SeenResponse(204, ""),
        SeenResponse(404, "{}"), SeenResponse(200, "[1]"), SeenResponse(200, "null", keepAlive: false),
    ]

    @Test func readsEveryFramingInOneRead() {
        #expect(read(Self.stream) == Outcome(responses: Self.expected))
    }

    @Test func readsTheSameWhereverTheBytesAreCut() {
        let bytes = Array(Self.stream.utf8)
        for cut in 0...bytes.count {
            let outcome = read(bytes, cutAt: [cut])
            #expect(outcome == Outcome(responses: Self.expected), "cut at \(cut)")
            if outcome != Outcome(responses: Self.expected) { return }
        }
        #expect(read(bytes, cutAt: Array(0...bytes.count)) == Outcome(responses: Self.expected), "one byte at a time")
    }

    @Test func aBodyInOneReadIsASliceOfThatRead() throws {
        var parser = ARIHTTPResponseParser(maxBodyBytes: 1 << 20)
        let read = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
        parser.append(read)
        let response = try #require(try parser.next())
        let readStart = read.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let bodyStart = response.body.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(bodyStart == readStart + UInt(read.readableBytes - 5))
        #expect(parser.isInsideResponse == false)
    }

    @Test func aBodyWithoutLengthEndsWithTheConnection() throws {
        let outcome = read("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"x\":", cutAt: [20, 50])
        #expect(outcome == Outcome(responses: [SeenResponse(200, "{\"x\":", keepAlive: false)]))
        var parser = ARIHTTPResponseParser(maxBodyBytes: 100)
        parser.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhalf"))
        #expect(try parser.next() == nil)
        #expect(parser.endOfInput() == nil, "a body cut short by the end of the connection is not an answer")
    }

    @Test(arguments: [
        ("garbage", "SSH-2.0-OpenSSH_9.6\r\n\r\n"),
        ("HTTP/2 status line", "HTTP/2 200\r\n\r\n"),
        ("status not a number", "HTTP/1.1 2x0 OK\r\n\r\n"),
        ("status out of range", "HTTP/1.1 999 Huh\r\n\r\n"),
        ("switching protocols", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"),
        ("folded header", "HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\nContent-Length: 0\r\n\r\n"),
        ("header name with a space", "HTTP/1.1 200 OK\r\nContent Length: 0\r\n\r\n"),
        ("header without a colon", "HTTP/1.1 200 OK\r\nContent-Length 0\r\n\r\n"),
        ("bare CR in a value", "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n"),
        ("NUL in a value", "HTTP/1.1 200 OK\r\nX-A: a\u{0}b\r\nContent-Length: 0\r\n\r\n"),
        ("length not a number", "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n"),
        ("negative length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
        ("two different lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
        ("length and chunks", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("gzip coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
        ("chunk size not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        ("chunk size too long", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n"),
        ("chunk longer than its size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n"),
    ])
    func malformedAnswersAreRefusedWhereverTheyAreCut(_ name: String, _ text: String) {
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            let outcome = read(bytes, cutAt: [cut])
            #expect(outcome.responses.isEmpty && outcome.failure != nil && outcome.failure?.isTooLarge == false, "\(name), cut at \(cut): \(outcome)")
        }
    }

    @Test func aDeclaredLengthOverTheLimitIsRefusedFromTheHead() {
        var parser = ARIHTTPResponseParser(maxBodyBytes: 1000)
        parser.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 1001\r\n\r\n"))
        #expect(throws: ARIHTTPResponseParser.Failure.self) { try parser.next() }
        #expect(read("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + String(repeating: "x", count: 1000), maxBody: 1000).responses.count == 1)
    }

    @Test func chunkedAndClosingBodiesOverTheLimitAreRefused() {
        let chunk = "100\r\n" + String(repeating: "x", count: 256) + "\r\n"
        let chunked = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: chunk, count: 5) + "0\r\n\r\n", maxBody: 1024)
        #expect(chunked.failure?.isTooLarge == true)
        let closing = read("HTTP/1.1 200 OK\r\n\r\n" + String(repeating: "x", count: 1025), cutAt: [100, 600], maxBody: 1024)
        #expect(closing.failure?.isTooLarge == true)
        #expect(closing.responses.isEmpty)
    }

    @Test func aHeadWithoutEndIsRefusedPastTheLimit() throws {
        let endless = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Filler: " + String(repeating: "y", count: 90) + "\r\n", count: 700)
        let outcome = read(endless, cutAt: Array(stride(from: 0, to: endless.utf8.count, by: 4096)))
        #expect(outcome.failure?.isTooLarge == true)
        var parser = ARIHTTPResponseParser(maxBodyBytes: 1 << 20)
        parser.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"))
        #expect(try parser.next() == nil, "an unfinished head waits for more")
    }

    /// Random bytes and damaged answers, each read whole and cut in four random ways, come to the
    /// same outcome, and none crashes or grows without bound.
    @Test func anyBytesReadTheSameHoweverTheyAreCut() async {
        var generator = SplitMix(seed: 0x5EED_4A17)
        let pieces = Self.stream.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Array($0) + [10] }
        for round in 0..<2000 {
            var stream: [UInt8]
            if round % 2 == 0 {
                stream = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                stream = Array(pieces.shuffled(using: &generator).prefix(Int.random(in: 1...pieces.count, using: &generator)).joined())
                for _ in 0..<Int.random(in: 0...3, using: &generator) where !stream.isEmpty {
                    stream[Int.random(in: 0..<stream.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            let whole = read(stream, maxBody: 512)
            for _ in 0..<4 {
                let cuts = (0..<Int.random(in: 1...6, using: &generator)).map { _ in Int.random(in: 0...stream.count, using: &generator) }.sorted()
                let cut = read(stream, cutAt: cuts, maxBody: 512)
                #expect(cut == whole, "round \(round), cuts \(cuts)")
                if cut != whole { return }
            }
            if round % 200 == 0 { await Task.yield() }
        }
    }
}
