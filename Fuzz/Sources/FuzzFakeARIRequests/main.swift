import FuzzDriver
import NIOCore

@testable import AsteriskTesting

/// Reads the input as the bytes a client sends the fake ARI server: whole, then cut into reads
/// where its first bytes say (as the server's handler reads: the buffer grows, each complete request
/// is taken from its front). Every way of cutting must give the same requests (or the same
/// failure), and no body can be longer than the input.
func fuzzRequests(_ bytes: UnsafeRawBufferPointer) {
    guard let (stream, whole) = readWholeAndCut(bytes, { read($0, cuts: $1) }) else { return }
    precondition(whole.requests.allSatisfy { $0.body.count <= stream.count && $0.length <= stream.count })
}

/// What reading came to: each request's method, target, headers, body and length, and the failure
/// that ended reading, if any.
struct Outcome: Equatable {
    struct Seen: Equatable {
        var method: String
        var uri: String
        var headers: [String]
        var body: [UInt8]
        var length: Int
    }
    var requests: [Seen] = []
    var failure: FakeARIRequestReader.Failure?
}

/// The requests of `stream` read in pieces ending at `cuts`.
func read(_ stream: [UInt8], cuts: [Int]) -> Outcome {
    var reader = FakeARIRequestReader()
    reader.maximumHead = 2048
    reader.maximumBody = 4096
    var outcome = Outcome()
    var buffer = ByteBuffer()
    var start = 0
    do {
        for end in cuts + [stream.count] {
            buffer.writeBytes(stream[start..<end])
            start = end
            while let request = try reader.request(in: buffer) {
                precondition(request.length > 0 && request.length <= buffer.readableBytes, "a request longer than what was read")
                outcome.requests.append(Outcome.Seen(
                    method: request.head.method.rawValue, uri: request.head.uri,
                    headers: request.head.headers.map { "\($0.name): \($0.value)" }, body: Array(request.body.readableBytesView),
                    length: request.length))
                buffer.moveReaderIndex(forwardBy: request.length)
            }
        }
    } catch {
        outcome.failure = error
    }
    return outcome
}

runFuzzer(fuzzRequests)
