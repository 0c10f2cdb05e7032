#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ConfigParser {
    /// Reads and parses the file at `path` (named `path` in errors).
    public static func parse(contentsOfFile path: String, variablesOutsideCategoriesAreErrors: Bool = true) throws(ConfigError) -> ConfigDocument {
        let bytes: [UInt8]?
        do {
            bytes = try LocalConfigFileSystem().contents(ofFile: path)
        } catch {
            throw ConfigError(.unreadable, file: path, "\(error)")
        }
        guard let bytes else { throw ConfigError(.unreadable, file: path, "no such file") }
        return try ConfigParser(file: path, variablesOutsideCategoriesAreErrors: variablesOutsideCategoriesAreErrors).parse(bytes: bytes)
    }
}

extension ConfigDocument {
    /// Writes ``data`` to `path` atomically (a temporary file beside it, then a rename), keeping the
    /// old file's permissions.
    public func write(toFile path: String) throws(ConfigError) {
        let temporary = path + ".tmp-\(getpid())"
        var info = stat()
        let mode: mode_t = stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard descriptor >= 0 else { throw Self.failure(path, "cannot create \(temporary)") }
        let bytes = data
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                close(descriptor)
                unlink(temporary)
                throw Self.failure(path, "cannot write")
            }
            written += count
        }
        guard fsync(descriptor) == 0, close(descriptor) == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Self.failure(path, "cannot replace the file")
        }
    }

    private static func failure(_ path: String, _ what: String) -> ConfigError {
        ConfigError(.unreadable, file: path, "\(what): \(String(cString: strerror(errno)))")
    }
}

/// POSIX `write`, out of reach of ``ConfigDocument/write(toFile:)``'s name.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
