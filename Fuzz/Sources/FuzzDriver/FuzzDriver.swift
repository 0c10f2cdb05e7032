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
