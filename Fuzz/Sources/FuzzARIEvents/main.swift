import FuzzDriver
import AsteriskARI
import Foundation

/// Decodes the input as an ARI WebSocket message: a typed event, an unknown type kept raw, or a
/// typed error; never a crash. A typed event must equal what `JSONDecoder` makes of the same bytes
/// with the type's `Codable` conformance, whenever that succeeds too (the byte-level reader and
/// Foundation disagreeing is a bug, not only a crash).
func fuzzARIEvents(_ bytes: UnsafeRawBufferPointer) {
    let data = Data(bytes)
    if let event = try? ARIEvent.decode(data) {
        _ = String(describing: event)
        if let payload = event.payload { agreeWithFoundation(payload, data) }
    }
    _ = try? JSONDecoder().decode(ARIJSON.self, from: data)
}

/// Traps when Foundation decodes `data` as `Event` to a different value than `event`. Objects that
/// repeat a member are left out: the reader keeps the last value (as Asterisk's Jansson would),
/// Foundation the first — a known, tested difference.
func agreeWithFoundation<Event: ARITypedEvent>(_ event: Event, _ data: Data) {
    guard let other = try? JSONDecoder().decode(Event.self, from: data), !repeatsMemberNames(Array(data)) else { return }
    if other != event { fatalError("ARIJSONReader and JSONDecoder disagree on \(Event.eventType): \(event) vs \(other)") }
}

runFuzzer(fuzzARIEvents)

/// Whether valid JSON repeats a member name within one object (a name written with escapes counts
/// as a repeat: this check does not decode names).
func repeatsMemberNames(_ bytes: [UInt8]) -> Bool {
    var objects: [(isObject: Bool, names: Set<[UInt8]>)] = []
    var expectingName = false
    var index = 0
    while index < bytes.count {
        switch bytes[index] {
        case UInt8(ascii: "{"):
            objects.append((true, []))
            expectingName = true
        case UInt8(ascii: "["):
            objects.append((false, []))
            expectingName = false
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            objects.removeLast()
            expectingName = false
        case UInt8(ascii: ","):
            expectingName = objects.last?.isObject ?? false
        case UInt8(ascii: "\""):
            var end = index + 1
            var escaped = false
            while bytes[end] != UInt8(ascii: "\"") {
                if bytes[end] == UInt8(ascii: "\\") {
                    escaped = true
                    end += 1
                }
                end += 1
            }
            if expectingName {
                if escaped || !objects[objects.count - 1].names.insert(Array(bytes[(index + 1)..<end])).inserted { return true }
                expectingName = false
            }
            index = end
        default:
            break
        }
        index += 1
    }
    return false
}
