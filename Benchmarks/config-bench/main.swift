import AsteriskConfig
import Foundation

// Parse throughput of AsteriskConfig over Asterisk's sample configs concatenated into one text:
//   swift run -c release config-bench [SAMPLES-DIRECTORY] [--seconds N] [--only parse|resolve|write]
// Prints MB/s for parsing alone, for parsing plus template resolution, and for the byte-exact write.

let arguments = CommandLine.arguments.dropFirst()
var directory = "../shared/asterisk/config-samples"
var seconds = 5.0
var only: String?
var iterator = arguments.makeIterator()
while let argument = iterator.next() {
    if argument == "--seconds", let value = iterator.next().flatMap(Double.init) {
        seconds = value
    } else if argument == "--only" {
        only = iterator.next()
    } else {
        directory = argument
    }
}
guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory).filter({ $0.hasSuffix(".conf") }).sorted(), !names.isEmpty else {
    print("config-bench: no .conf files in \(directory)")
    exit(64)
}
var text = ""
for name in names {
    guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { continue }
    // Each file starts a fresh category so no file's leading lines land in the previous one's.
    text += "[config-bench-\(name)]\n" + (String(data: data, encoding: .utf8) ?? String(decoding: data, as: UTF8.self)) + "\n"
}
let bytes = Array(text.utf8)
let duration = seconds
let megabytes = Double(bytes.count) / 1_000_000
print("config-bench: \(names.count) files, \(String(format: "%.2f", megabytes)) MB of text, \(seconds) s per measurement")

let parser = ConfigParser(file: "samples", variablesOutsideCategoriesAreErrors: false)

/// Runs `body` repeatedly for about `duration` seconds and prints MB/s.
@MainActor func measure(_ label: String, _ body: () throws -> Int) rethrows {
    if let only, !label.hasPrefix(only) { return }
    var iterations = 0
    var checksum = 0
    let clock = ContinuousClock()
    let start = clock.now
    while clock.now - start < .seconds(duration) {
        checksum &+= try body()
        iterations += 1
    }
    let elapsed = clock.now - start
    let time = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("\(label): \(String(format: "%.1f", megabytes * Double(iterations) / time)) MB/s (\(iterations) passes, checksum \(checksum))")
}

try measure("parse") { try parser.parse(bytes: bytes).lines.count }
try measure("resolve (parse + templates)") { try parser.parse(bytes: bytes).resolvedCategories().count }
let document = try parser.parse(bytes: bytes)
precondition(document.data == bytes, "the samples did not round-trip")
measure("write (data)") { document.data.count }
