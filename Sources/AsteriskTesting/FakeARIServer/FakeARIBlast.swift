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
    public func blast(_ messages: [String], count: Int, app: String, final: String) async throws {
        let targets = state.withLockedValue { state in state.sockets.filter { $0.ready && $0.apps.contains(app) }.map(\.channel) }
        let frames = messages.map { WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: $0)) }
        guard !frames.isEmpty else { return }
        for channel in targets {
            var sent = 0
            while sent < count {
                let batch = min(512, count - sent)
                let written: EventLoopFuture<Void> = channel.eventLoop.flatSubmit {
                    for index in 0..<(batch - 1) { channel.write(frames[(sent + index) % frames.count], promise: nil) }
                    return channel.writeAndFlush(frames[(sent + batch - 1) % frames.count])
                }
                try await written.get()
                sent += batch
            }
            try await channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: final))).get()
        }
    }
}
