import FuzzDriver
import AsteriskAMI
import NIOCore

/// Feeds the input to `AMIFrameParser` in two chunks (the first byte chooses the split), with and
/// without a banner expected, and drains every frame. A parser error is a fine outcome; a crash, a
/// hang or a buffer that outgrows the limits is not.
func fuzzAMIFrames(_ bytes: UnsafeRawBufferPointer) {
    guard let first = bytes.first else { return }
    let body = bytes.dropFirst()
    let split = body.isEmpty ? 0 : Int(first) % (body.count + 1)
    let limits = AMIFrameParser.Limits(maxLineLength: 256, maxHeaderCount: 32)
    for expectsBanner in [true, false] {
        var parser = AMIFrameParser(limits: limits, expectsBanner: expectsBanner)
        var buffer = ByteBuffer()
        for chunk in [body.prefix(split), body.dropFirst(split)] {
            buffer.writeBytes(chunk)
            do {
                while let output = try parser.next(from: &buffer) {
                    if case .message(let message) = output { _ = message.wireText }
                }
            } catch {
                break
            }
            // What stays buffered is at most one unfinished frame within the limits.
            precondition(buffer.readableBytes <= body.count)
        }
    }
}

runFuzzer(fuzzAMIFrames)
