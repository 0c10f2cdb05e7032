import CProcessSpawn
import Dispatch
import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program started by the tests with its output and error on pipes and none of the test process's
/// sockets (spawned through `CProcessSpawn`, not Foundation's `Process`, whose launch AddressSanitizer
/// flags inside swift-corelibs-foundation).
final class ChildProcess: Sendable {
    /// What a finished program left: its exit status (128 + signal when killed), output and error.
    struct Result: Sendable {
        let status: Int32
        let output: String
        let error: String
    }

    /// A launch that did not happen, with the `errno` value `posix_spawn` reported.
    struct LaunchError: Error, CustomStringConvertible {
        let path: String
        let code: Int32
        var description: String { "could not start \(path): \(String(cString: strerror(code)))" }
    }

    private let pid: pid_t
    private let outputFD: Int32
    private let errorFD: Int32
    /// Whether the program has exited (then it must not be signalled: its pid may be reused once reaped).
    private let exited = NIOLockedValueBox(false)

    /// Starts `path` with `arguments` and exactly `environment`.
    init(path: String, arguments: [String], environment: [String: String]) throws {
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        var outputFD: Int32 = -1
        var errorFD: Int32 = -1
        let code = cps_spawn(path, argv, envp, &pid, &outputFD, &errorFD)
        guard code == 0 else { throw LaunchError(path: path, code: code) }
        self.pid = pid
        self.outputFD = outputFD
        self.errorFD = errorFD
    }

    /// Waits (off the cooperative pool) until the program ends and returns what it printed; a program
    /// still running after `timeout` seconds is terminated, so a hung command fails its test, not CI.
    func finish(timeout: Double) async -> Result {
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
            exited.withLockedValue { if !$0 { _ = kill(pid, SIGTERM) } }
        }
        // Threads of their own for the blocking reads and wait: blocked Dispatch workers would hold up
        // the timer above (libdispatch adds threads to a starved pool only after a while).
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                let error = NIOLockedValueBox([UInt8]())
                let errorDone = ConditionLock(value: false)
                Thread.detachNewThread { [errorFD] in
                    error.withLockedValue { $0 = Self.drain(errorFD) }
                    errorDone.lock()
                    errorDone.unlock(withValue: true)
                }
                let output = Self.drain(outputFD)
                errorDone.lock(whenValue: true)
                errorDone.unlock()
                _ = cps_wait_exited(pid)
                exited.withLockedValue { $0 = true }
                let status = cps_reap(pid)
                continuation.resume(returning: Result(
                    status: status,
                    output: String(decoding: output, as: UTF8.self),
                    error: String(decoding: error.withLockedValue { $0 }, as: UTF8.self)))
            }
        }
    }

    /// Reads `fd` to its end and closes it.
    private static func drain(_ fd: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += chunk[0..<count]
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(fd)
        return bytes
    }
}
