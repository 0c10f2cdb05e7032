import Foundation
import NIOCore
import NIOWebSocket

extension FakeARIServer {
    /// Serves ARI's API description (`/ari/api-docs/*.json`) from `directory`, with its base path
    /// pointed at this server, so swagger-driven clients (the Python peers) can start against the fake.
    public func serveAPIDocs(from directory: String) {
        onRequest { [self] request in
            guard request.method == "GET", request.path.hasPrefix("/api-docs/") else { return nil }
            let name = String(request.path.dropFirst("/api-docs/".count))
            guard !name.contains(".."), let data = FileManager.default.contents(atPath: directory + "/" + name) else {
                return .error(404, "Resource not found")
            }
            let text = String(decoding: data, as: UTF8.self).replacingOccurrences(
                of: "http://localhost:8088", with: "http://127.0.0.1:\(port)")
            return FakeARIResponse(status: 200, body: text)
        }
    }

    /// Writes `count` messages (taken in turn from `messages`) and then `final` to every events
    /// WebSocket of `app`, as fast as the socket takes them (a batch is written when the previous one
    /// has gone out, so memory stays bounded). Returns when everything is written.
    ///
    /// The frames are encoded once, up front, and written as raw bytes below the WebSocket encoder, so
    /// a benchmark measures the client rather than the fake's per-frame encoding.
    public func blast(_ messages: [String], count: Int, app: String, final: String) async throws {
        guard !messages.isEmpty else { return }
        let targets = state.withLockedValue { state in
            state.sockets.filter { $0.ready && $0.apps.contains(app) }.map { ($0.channel, $0.masksFrames) }
        }
        let cycle = FakeARIFrameCycle(messages)
        for (channel, masked) in targets {
            var sent = 0
            while sent < count {
                let batch = min(cycle.count * max(1, 4096 / cycle.count), count - sent)
                let first = sent
                let written: EventLoopFuture<Void> = channel.eventLoop.flatSubmit {
                    if !masked, let outlet = try? channel.pipeline.syncOperations.context(handlerType: FakeARIRawOutlet.self) {
                        let slices = cycle.slices(from: first, count: batch)
                        for slice in slices.dropLast() { outlet.write(NIOAny(slice), promise: nil) }
                        let done = channel.eventLoop.makePromise(of: Void.self)
                        outlet.writeAndFlush(NIOAny(slices[slices.count - 1]), promise: done)
                        return done.futureResult
                    }
                    for index in first..<(first + batch - 1) { channel.write(cycle.frame(index, masked: masked), promise: nil) }
                    return channel.writeAndFlush(cycle.frame(first + batch - 1, masked: masked))
                }
                try await written.get()
                sent += batch
            }
            let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: masked ? .random() : nil, data: ByteBuffer(string: final))
            try await channel.writeAndFlush(frame).get()
        }
    }
}

/// Sits nearest the socket on an events WebSocket's pipeline: bytes written through its context skip
/// the WebSocket encoder (the fake's blast writes frames it encoded itself).
final class FakeARIRawOutlet: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
}

/// A list of messages encoded once as unmasked WebSocket text frames, back to back in one buffer, so
/// any run of them (taken in turn, wrapping around) is written as at most a few slices of it.
struct FakeARIFrameCycle: Sendable {
    private let bytes: ByteBuffer
    private let offsets: [Int]  // the start of every frame, then the end of the last
    private let messages: [ByteBuffer]

    init(_ messages: [String]) {
        var bytes = ByteBuffer()
        var offsets = [0]
        for message in messages {
            let length = message.utf8.count
            bytes.writeInteger(UInt8(0x81))
            if length < 126 {
                bytes.writeInteger(UInt8(length))
            } else if length <= Int(UInt16.max) {
                bytes.writeInteger(UInt8(126))
                bytes.writeInteger(UInt16(length))
            } else {
                bytes.writeInteger(UInt8(127))
                bytes.writeInteger(UInt64(length))
            }
            bytes.writeString(message)
            offsets.append(bytes.writerIndex)
        }
        self.bytes = bytes
        self.offsets = offsets
        self.messages = messages.map { ByteBuffer(string: $0) }
    }

    /// The number of messages in one turn.
    var count: Int { messages.count }

    /// Message number `index` (wrapping around) as a frame for NIO's encoder.
    func frame(_ index: Int, masked: Bool) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, maskKey: masked ? .random() : nil, data: messages[index % count])
    }

    /// The encoded frames of messages `first ..< first + count` (wrapping around), as slices of one buffer.
    func slices(from first: Int, count total: Int) -> [ByteBuffer] {
        var result: [ByteBuffer] = []
        var index = first, remaining = total
        while remaining > 0 {
            let start = index % count
            let run = min(remaining, count - start)
            result.append(bytes.getSlice(at: offsets[start], length: offsets[start + run] - offsets[start])!)
            index += run
            remaining -= run
        }
        return result
    }
}
