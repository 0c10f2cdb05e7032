import Foundation
import Testing

/// One recorded chunk of an AGI capture.
struct AGITranscriptChunk {
    let direction: String
    let text: String
}

/// Loads the byte-exact AGI transcripts copied from `shared/asterisk/captures`.
enum AGITranscript {
    static func url(_ name: String, extension ext: String) throws -> URL {
        let parts = name.split(separator: "/")
        let subdirectory = (["Fixtures"] + parts.dropLast().map(String.init)).joined(separator: "/")
        return try #require(
            Bundle.module.url(forResource: String(parts.last!), withExtension: ext, subdirectory: subdirectory),
            "fixture \(name).\(ext) is missing")
    }

    static func load(_ name: String) throws -> [AGITranscriptChunk] {
        let text = try String(contentsOf: try url(name, extension: "jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            guard let direction = object["dir"] as? String else { return nil }
            return AGITranscriptChunk(direction: direction, text: (object["data"] as? String) ?? "")
        }
    }
}
