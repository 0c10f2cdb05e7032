import ArgumentParser
import AsteriskAMI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads environment variables without Foundation.
enum Environment {
    /// The value of `name`, if set and not empty.
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// Ordered JSON for AMI frames (repeated keys become arrays) without Foundation.
enum JSONOutput {
    /// A JSON string literal.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A JSON array of strings.
    static func array(_ items: [String]) -> String {
        "[" + items.map(string).joined(separator: ",") + "]"
    }

    /// A JSON object of headers in order; a repeated key's values become an array.
    static func object(_ headers: [AMIHeader]) -> String {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for header in headers {
            if values[header.name] == nil { order.append(header.name) }
            values[header.name, default: []].append(header.value)
        }
        let members = order.map { key -> String in
            let list = values[key]!
            return string(key) + ":" + (list.count == 1 ? string(list[0]) : array(list))
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A response and its list events.
    static func response(_ response: AMIResponse) -> String {
        var text = "{\"response\":" + object(response.headers)
        text += ",\"events\":[" + response.events.map { object($0.headers) }.joined(separator: ",") + "]"
        if let complete = response.completionEvent { text += ",\"complete\":" + object(complete.headers) }
        return text + "}"
    }
}

extension String {
    /// The string without leading and trailing blanks.
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}

/// The lines of a text file, read without Foundation.
func readLines(of path: String) throws -> [String] {
    guard let file = fopen(path, "r") else { throw ValidationError("cannot read \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count <= 0 { break }
        bytes += chunk[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}
