import Foundation
import NIOCore
import Testing

/// One recorded chunk of a capture file.
struct CaptureChunk {
    /// `in` (from Asterisk), `out` (from the client) or `closed`.
    let direction: String
    /// The bytes that crossed the socket.
    let data: [UInt8]
}

/// Loads the byte-exact transcripts copied from `shared/asterisk/captures` into the test bundle.
enum CaptureFixture {
    static func load(_ name: String) throws -> [CaptureChunk] {
        let parts = name.split(separator: "/")
        let subdirectory = (["Fixtures"] + parts.dropLast().map(String.init)).joined(separator: "/")
        let url = try #require(
            Bundle.module.url(forResource: String(parts.last!), withExtension: "jsonl", subdirectory: subdirectory),
            "fixture \(name).jsonl is missing")
        let text = try String(contentsOf: url, encoding: .utf8)
        var chunks: [CaptureChunk] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            guard let direction = object["dir"] as? String else { continue }
            let data = (object["data"] as? String) ?? ""
            chunks.append(CaptureChunk(direction: direction, data: Array(data.utf8)))
        }
        return chunks
    }

    /// Everything Asterisk sent, for each connection in the capture (split at `closed`).
    static func inboundStreams(_ name: String) throws -> [[[UInt8]]] {
        var streams: [[[UInt8]]] = [[]]
        for chunk in try load(name) {
            switch chunk.direction {
            case "in": streams[streams.count - 1].append(chunk.data)
            case "closed": if !streams[streams.count - 1].isEmpty { streams.append([]) }
            default: break
            }
        }
        return streams.filter { !$0.isEmpty }
    }

    /// The AMI captures every parser must handle (Asterisk 23 and 20).
    static let amiCaptures = [
        "ami-basic", "ami-md5-login", "ami-auth-failures", "ami-originate", "ami-event-stream", "agi-async",
        "agi-fastagi-ami-side", "agi-classic-ami-side", "asterisk-20/ami-basic", "asterisk-20/ami-md5-login",
        "asterisk-20/ami-auth-failures", "asterisk-20/ami-originate", "asterisk-20/agi-async",
        "asterisk-20/agi-fastagi-ami-side",
    ]
}
