/// The variables Asterisk sends when an AGI session starts (`agi_channel: …`), in order.
///
/// Names are kept as sent; lookups accept them with or without the `agi_` prefix. For FastAGI,
/// ``script`` is the path of `agi_network_script` and ``queryItems`` its query, so that routing
/// by path works for `agi://host/ivr?lang=de`.
public struct AGIEnvironment: Sendable, Hashable {
    /// One `agi_name: value` line.
    public struct Entry: Sendable, Hashable {
        /// The name as sent, for example `agi_channel`.
        public let name: String
        /// The value, which may be empty.
        public let value: String

        /// Creates an entry.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Every variable in arrival order.
    public let entries: [Entry]

    /// Creates an environment from entries.
    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The value of `name` (`agi_channel` or `channel`), or nil when absent.
    public subscript(name: String) -> String? {
        if name.hasPrefix("agi_") { return entries.first { $0.name == name }?.value }
        // Compared without building "agi_" + name (an allocation for names of twelve bytes or more).
        let count = name.utf8.count + 4
        return entries.first { entry in
            entry.name.utf8.count == count && entry.name.hasPrefix("agi_") && entry.name.utf8.dropFirst(4).elementsEqual(name.utf8)
        }?.value
    }

    /// `agi_arg_1` … `agi_arg_N` in numeric order.
    public var arguments: [String] {
        entries.compactMap { entry -> (Int, String)? in
            guard entry.name.hasPrefix("agi_arg_"), let index = Int(entry.name.dropFirst(8)) else { return nil }
            return (index, entry.value)
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// `agi_request`: the script path, or the whole `agi://…` URL for FastAGI.
    public var request: String? { self["request"] }
    /// `agi_channel`: the channel's name.
    public var channel: String? { self["channel"] }
    /// `agi_uniqueid`.
    public var uniqueID: String? { self["uniqueid"] }
    /// `agi_language`.
    public var language: String? { self["language"] }
    /// `agi_type`: the channel technology.
    public var channelType: String? { self["type"] }
    /// `agi_version`: the Asterisk version.
    public var asteriskVersion: String? { self["version"] }
    /// `agi_callerid`.
    public var callerIDNumber: String? { self["callerid"] }
    /// `agi_calleridname`.
    public var callerIDName: String? { self["calleridname"] }
    /// `agi_dnid`.
    public var dnid: String? { self["dnid"] }
    /// `agi_rdnis`.
    public var rdnis: String? { self["rdnis"] }
    /// `agi_context`.
    public var context: String? { self["context"] }
    /// `agi_extension`.
    public var `extension`: String? { self["extension"] }
    /// `agi_priority`.
    public var priority: String? { self["priority"] }
    /// `agi_accountcode`.
    public var accountCode: String? { self["accountcode"] }
    /// Whether audio is offered on file descriptor 3 (EAGI: `agi_enhanced: 1.0`).
    public var isEnhanced: Bool { (self["enhanced"].flatMap(Double.init) ?? 0) >= 1 }
    /// Whether this is a FastAGI session (`agi_network: yes`).
    public var isNetwork: Bool { self["network"]?.lowercased() == "yes" }

    /// The script without its query: `demo` for `agi_network_script: demo?x=1`, the path for classic AGI.
    public var script: String {
        let raw = self["network_script"] ?? request ?? ""
        guard let mark = raw.firstIndex(of: "?") else { return raw }
        return String(raw[..<mark])
    }

    /// The query arguments of `agi_network_script`, percent-decoded, in order.
    public var queryItems: [Entry] {
        guard let raw = self["network_script"], let mark = raw.firstIndex(of: "?") else { return [] }
        return raw[raw.index(after: mark)...].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return Entry(
                name: AGIPercentDecoding.decode(Substring(parts[0]), plusIsSpace: true),
                value: parts.count > 1 ? AGIPercentDecoding.decode(Substring(parts[1]), plusIsSpace: true) : "")
        }
    }

    /// The first query argument called `name`.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }
}

/// Percent-decoding without Foundation (AsyncAGI's `Env`, FastAGI query strings).
enum AGIPercentDecoding {
    /// Decodes `%XX` escapes (and `+` as a space when asked); bad escapes are kept as they are.
    static func decode(_ text: Substring, plusIsSpace: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        var pending: [UInt8] = []
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                pending = [byte]
                guard let high = iterator.next() else { bytes += pending; break }
                pending.append(high)
                guard let low = iterator.next() else { bytes += pending; break }
                pending.append(low)
                if let value = hex(high).flatMap({ h in hex(low).map { h << 4 | $0 } }) {
                    bytes.append(value)
                } else {
                    bytes += pending
                }
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
