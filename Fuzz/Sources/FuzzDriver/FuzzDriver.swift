import CLibFuzzer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The target the driver calls (set once, before libFuzzer starts).
nonisolated(unsafe) private var fuzzTarget: ((UnsafeRawBufferPointer) -> Void)?

/// Runs libFuzzer with this process's command line (a corpus directory, `-max_total_time=…`),
/// calling `target` with each input; exits with libFuzzer's status. SwiftPM gives executables a
/// `main` of their own, so the targets start libFuzzer's driver from there.
public func runFuzzer(_ target: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    fuzzTarget = target
    var count = CommandLine.argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        fuzzTarget?(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    })
}

/// Where to cut a stream of `length` bytes into reads, chosen by the input's first two bytes
/// (`first`, `second`): steps of 1 to 97 bytes that vary along the stream, so one input is read
/// whole and in many differently sized pieces.
public func readCuts(first: UInt8, second: UInt8, length: Int) -> [Int] {
    let seed = Int(first) << 8 | Int(second)
    var cuts: [Int] = []
    var position = 0
    var step = seed % 97 + 1
    while position + step < length {
        position += step
        cuts.append(position)
        step = (step * 31 + seed) % 97 + 1
    }
    return cuts
}

/// Reads a fuzz input as a byte stream twice — whole, then cut into reads where its first two bytes
/// say (``readCuts(first:second:length:)``) — and stops the run if the two readings differ. Returns the
/// stream (the input after those two bytes) and what reading it whole gave, for the target's own
/// checks; nil for an input too short to choose cuts.
public func readWholeAndCut<Outcome: Equatable>(
    _ bytes: UnsafeRawBufferPointer, _ read: ([UInt8], [Int]) -> Outcome
) -> (stream: [UInt8], outcome: Outcome)? {
    guard bytes.count >= 2 else { return nil }
    let stream = Array(bytes.dropFirst(2))
    let whole = read(stream, [])
    let cut = read(stream, readCuts(first: bytes[0], second: bytes[1], length: stream.count))
    precondition(whole == cut, "cutting the input changed what was read")
    return (stream, whole)
}
