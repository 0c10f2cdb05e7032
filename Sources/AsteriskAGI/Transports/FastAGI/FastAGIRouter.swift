/// Chooses the handler for a FastAGI call from its script path (`agi://host/ivr/main?x=1` → `ivr/main`).
///
/// Patterns are exact paths or globs where `*` matches any run of characters (`ivr/*`). Routes are
/// tried in the order they were added; the query never takes part in routing and is read from
/// ``AGIEnvironment/queryItems``.
public struct FastAGIRouter: Sendable {
    /// A call handler.
    public typealias Handler = @Sendable (AGIChannel) async throws -> Void

    private var routes: [(pattern: String, handler: Handler)] = []
    private var fallbackHandler: Handler?

    /// Creates an empty router.
    public init() {}

    /// Handles scripts matching `pattern` with `handler`.
    public mutating func route(_ pattern: String, _ handler: @escaping Handler) {
        routes.append((FastAGIRouter.normalize(pattern), handler))
    }

    /// Handles every script no route matches.
    public mutating func fallback(_ handler: @escaping Handler) {
        fallbackHandler = handler
    }

    /// The handler for `script`, if any.
    public func handler(for script: String) -> Handler? {
        let path = FastAGIRouter.normalize(script)
        return routes.first { FastAGIRouter.matches(path, pattern: $0.pattern) }?.handler ?? fallbackHandler
    }

    static func normalize(_ path: String) -> String {
        if path.utf8.first != UInt8(ascii: "/") && path.utf8.last != UInt8(ascii: "/") { return path }
        var text = Substring(path)
        while text.hasPrefix("/") { text = text.dropFirst() }
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }

    /// Glob matching with `*`.
    static func matches(_ text: String, pattern: String) -> Bool {
        if !pattern.utf8.contains(UInt8(ascii: "*")) { return text == pattern }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        if parts.count == 1 { return text == pattern }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}

extension Substring {
    /// The first range of `other` (no Foundation).
    func range(of other: Substring) -> Range<Index>? {
        guard !other.isEmpty else { return startIndex..<startIndex }
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(other) { return index..<self.index(index, offsetBy: other.count) }
            index = self.index(after: index)
        }
        return nil
    }
}
