#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where ``ConfigLoader`` reads files from: the local disk, or anything else (an in-memory tree in
/// tests, a container image, …).
public protocol ConfigFileSystem: Sendable {
    /// The bytes of the regular file at `path`; `nil` when there is no regular file there.
    /// - Throws: when the file exists but cannot be read.
    func contents(ofFile path: String) throws -> [UInt8]?
    /// The names (not paths) in the directory at `path`; `nil` when it is not a directory.
    func entries(ofDirectory path: String) -> [String]?
}

/// The local file system, through POSIX calls.
public struct LocalConfigFileSystem: ConfigFileSystem {
    /// Creates the local file system.
    public init() {}

    /// Reads a regular file; `nil` when there is none at `path`.
    public func contents(ofFile path: String) throws -> [UInt8]? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        guard let handle = fopen(path, "rb") else { throw LocalFileError(path: path, code: errno) }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            if count > 0 { bytes += chunk[0..<count] }
            if count < chunk.count {
                if ferror(handle) != 0 { throw LocalFileError(path: path, code: errno) }
                return bytes
            }
        }
    }

    /// Lists a directory; `nil` when `path` is not one.
    public func entries(ofDirectory path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// A local file that exists but could not be read, or a command that could not be run.
struct LocalFileError: Error, CustomStringConvertible {
    /// What failed: "cannot read /etc/x.conf".
    let what: String
    /// `errno`.
    let code: Int32

    init(path: String, code: Int32) {
        self.what = "cannot read \(path)"
        self.code = code
    }

    init(command: String, code: Int32) {
        self.what = "cannot run \(command)"
        self.code = code
    }

    var description: String { "\(what): \(String(cString: strerror(code)))" }
}

/// Files held in memory by absolute path: for tests, and for configurations that never touch a disk.
public struct InMemoryConfigFileSystem: ConfigFileSystem {
    /// The files, by absolute path.
    public var files: [String: [UInt8]]

    /// Creates a file system holding `files` (texts by absolute path).
    public init(_ files: [String: String] = [:]) {
        self.files = files.mapValues { Array($0.utf8) }
    }

    /// The file's bytes, if there is one at `path`.
    public func contents(ofFile path: String) throws -> [UInt8]? { files[path] }

    /// The names directly inside `path`, if any file lies below it.
    public func entries(ofDirectory path: String) -> [String]? {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var names = Set<String>()
        for file in files.keys where file.hasPrefix(prefix) {
            if let name = file.dropFirst(prefix.count).split(separator: "/").first { names.insert(String(name)) }
        }
        return names.isEmpty ? nil : names.sorted()
    }
}
