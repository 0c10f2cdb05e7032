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
