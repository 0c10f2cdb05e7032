import FuzzDriver
import AsteriskARI
import Foundation

/// Decodes the input as an ARI WebSocket message: a typed event, an unknown type kept raw, or a
/// typed error; never a crash.
func fuzzARIEvents(_ bytes: UnsafeRawBufferPointer) {
    let data = Data(bytes)
    if let event = try? ARIEvent.decode(data) { _ = String(describing: event) }
    _ = try? JSONDecoder().decode(ARIJSON.self, from: data)
}

runFuzzer(fuzzARIEvents)
