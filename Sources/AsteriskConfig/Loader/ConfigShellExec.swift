#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ConfigLoader.ExecPolicy {
    /// `#exec` runs its command with `/bin/sh` and reads what it prints to standard output and error,
    /// as Asterisk does with `execincludes = yes`. Only for files you trust: they run programs.
    public static var shell: Self {
        .enabled { command throws -> [UInt8] in
            guard let pipe = popen(command + " 2>&1", "r") else {
                throw LocalFileError(command: command, code: errno)
            }
            var output: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
                if count == 0 { break }
                output += chunk[0..<count]
            }
            pclose(pipe)
            return output
        }
    }
}
