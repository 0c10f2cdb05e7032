import CLibFuzzer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AsteriskARI
import Foundation

/// Decodes the input as an ARI WebSocket message: a typed event, an unknown type kept raw, or a
/// typed error; never a crash.
func fuzzARIEvents(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    if let event = try? ARIEvent.decode(data) { _ = String(describing: event) }
    _ = try? JSONDecoder().decode(ARIJSON.self, from: data)
    return 0
}

// libFuzzer runs the target: the command line is libFuzzer's (a corpus directory, -max_total_time=…).
var arguments = CommandLine.argc
var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &vector) { data, size in
    guard let data else { return 0 }
    return fuzzARIEvents(UnsafeRawPointer(data), size)
})
