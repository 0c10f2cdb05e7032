/// Which events a subscriber wants, checked on the connection's thread before buffering.
public struct AMIEventFilter: Sendable {
    let names: [String]?
    let predicate: (@Sendable (AMIEvent) -> Bool)?

    private init(names: [String]?, predicate: (@Sendable (AMIEvent) -> Bool)?) {
        self.names = names
        self.predicate = predicate
    }

    /// Every event.
    public static var all: AMIEventFilter { AMIEventFilter(names: nil, predicate: nil) }

    /// Events whose name is one of `names` (case-insensitive).
    public static func names(_ names: some Sequence<String>) -> AMIEventFilter {
        AMIEventFilter(names: Array(names), predicate: nil)
    }

    /// Events whose name is one of `names` (case-insensitive).
    public static func names(_ names: String...) -> AMIEventFilter { .names(names) }

    /// Events for which `predicate` returns true. Keep it cheap: it runs on the connection's event loop.
    public static func matching(_ predicate: @escaping @Sendable (AMIEvent) -> Bool) -> AMIEventFilter {
        AMIEventFilter(names: nil, predicate: predicate)
    }

    /// Events that pass both this filter and `other`.
    public func and(_ other: AMIEventFilter) -> AMIEventFilter {
        let names: [String]?
        switch (self.names, other.names) {
        case (nil, nil): names = nil
        case (let one?, nil), (nil, let one?): names = one
        case (let lhs?, let rhs?):
            let right = Set(rhs.map { $0.lowercased() })
            names = lhs.filter { right.contains($0.lowercased()) }
        }
        let predicates = [self.predicate, other.predicate].compactMap { $0 }
        let predicate: (@Sendable (AMIEvent) -> Bool)? =
            predicates.isEmpty ? nil : { @Sendable event in predicates.allSatisfy { $0(event) } }
        return AMIEventFilter(names: names, predicate: predicate)
    }

    /// Whether nothing is filtered out.
    var passesEverything: Bool { names == nil && predicate == nil }

    /// Whether `event` passes.
    func matches(_ event: AMIEvent) -> Bool {
        if let names, !names.contains(where: { event.isNamed($0) }) { return false }
        if let predicate, !predicate(event) { return false }
        return true
    }
}
