import FuzzDriver
import NIOCore

@testable import AsteriskARI

/// Reads the input as the bytes of a REST connection: whole, then cut into reads where its first
/// bytes say. Every way of cutting must give the same answers (or fail), and no body can be longer
/// than the input or the limit.
func fuzzHTTPResponses(_ bytes: UnsafeRawBufferPointer) {
    guard let (stream, whole) = readWholeAndCut(bytes, { read($0, cuts: $1) }) else { return }
    precondition(whole.bodies.allSatisfy { $0.count <= min(stream.count, limit) })
}

/// The most a body may hold in this run.
let limit = 4096

/// What reading came to: status and body of each answer, and whether it failed after them.
struct Outcome: Equatable {
    var statuses: [Int] = []
    var bodies: [[UInt8]] = []
    var failed = false
}

/// The answers of `stream` read in pieces ending at `cuts`, then the end of the connection.
func read(_ stream: [UInt8], cuts: [Int]) -> Outcome {
    var parser = ARIHTTPResponseParser(maxBodyBytes: limit)
    var outcome = Outcome()
    var start = 0
    func add(_ response: ARIHTTPResponse) {
        outcome.statuses.append(response.status)
        outcome.bodies.append(Array(response.body.readableBytesView))
    }
    do {
        for end in cuts + [stream.count] {
            parser.append(ByteBuffer(bytes: stream[start..<end]))
            start = end
            while let response = try parser.next() { add(response) }
        }
        if let last = parser.endOfInput() { add(last) }
    } catch {
        outcome.failed = true
    }
    return outcome
}

runFuzzer(fuzzHTTPResponses)
