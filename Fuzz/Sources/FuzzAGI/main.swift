import FuzzDriver
import AsteriskAGI
import NIOCore

/// Splits the input into lines with `AGILineReader`, feeds them to the environment parser until the
/// environment ends, then to the reply parser; also parses the input as an AsyncAGI `Env` header
/// and every line as a single reply. Errors are fine; crashes and hangs are not.
func fuzzAGI(_ bytes: UnsafeRawBufferPointer) {
    var buffer = ByteBuffer()
    buffer.writeBytes(bytes)
    let reader = AGILineReader(maxLineLength: 512)
    var environment = AGIEnvironmentParser(maxEntries: 64)
    var replies = AGIReplyParser(maxUsageLines: 16)
    var inEnvironment = true
    while true {
        let line: String?
        do {
            line = try reader.nextLine(from: &buffer)
        } catch {
            break
        }
        guard let line else { break }
        _ = try? AGIReply.parse(line)
        if inEnvironment {
            do {
                if let parsed = try environment.feed(line: line) {
                    inEnvironment = false
                    _ = parsed.script
                    _ = parsed.arguments
                }
            } catch {
                inEnvironment = false
            }
        } else {
            do {
                try replies.feed(line: line) { _ in }
            } catch {
                replies = AGIReplyParser(maxUsageLines: 16)
            }
        }
    }
    _ = try? AGIEnvironmentParser.parse(asyncEnv: String(decoding: bytes, as: UTF8.self))
}

runFuzzer(fuzzAGI)
