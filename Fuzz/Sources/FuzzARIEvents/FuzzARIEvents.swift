import AsteriskARI
import Foundation

/// Decodes the input as an ARI WebSocket message: a typed event, an unknown type kept raw, or a
/// typed error; never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzARIEvents(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    if let event = try? ARIEvent.decode(data) { _ = String(describing: event) }
    _ = try? JSONDecoder().decode(ARIJSON.self, from: data)
    return 0
}
