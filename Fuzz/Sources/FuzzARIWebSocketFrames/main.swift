import FuzzDriver
import NIOCore
import NIOWebSocket

@testable import AsteriskARI

/// Reads the input as the bytes of an events WebSocket: whole, then cut into reads where its first
/// bytes say. Every way of cutting must give the same frames (or the same failure), the payloads
/// can never add up to more than the input, and nothing stays buffered beyond one frame's bytes.
func fuzzWebSocketFrames(_ bytes: UnsafeRawBufferPointer) {
    guard let (stream, whole) = readWholeAndCut(bytes, { read($0, cuts: $1) }) else { return }
    if case .success(let frames) = whole {
        precondition(frames.reduce(0) { $0 + $1.payload.count } <= stream.count)
    }
}

/// A frame as compared: its flag, opcode and payload.
struct ReadFrame: Equatable {
    let fin: Bool
    let opcode: UInt8
    let payload: [UInt8]
}

/// The frames of `stream` read in pieces ending at `cuts`, draining after each piece.
func read(_ stream: [UInt8], cuts: [Int]) -> Result<[ReadFrame], ARIWebSocketFrameReader.Failure> {
    var reader = ARIWebSocketFrameReader(maxFrameSize: 4096)
    var frames: [ReadFrame] = []
    var start = 0
    for end in cuts + [stream.count] {
        reader.append(ByteBuffer(bytes: stream[start..<end]))
        start = end
        do {
            while let frame = try reader.next() {
                frames.append(ReadFrame(fin: frame.fin, opcode: UInt8(webSocketOpcode: frame.opcode), payload: Array(frame.payload.readableBytesView)))
            }
        } catch {
            return .failure(error)
        }
    }
    return .success(frames)
}

runFuzzer(fuzzWebSocketFrames)
