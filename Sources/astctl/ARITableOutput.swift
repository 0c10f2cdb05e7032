import AsteriskARI

/// ARI answers for people: a list of objects becomes an aligned table (nested fields as `a.b`,
/// lists of values joined, lists of objects counted); anything else stays pretty-printed JSON.
enum ARITableOutput {
    /// The columns shown for the lists of well-known resources, by the path's first segment.
    static let preferredColumns: [String: [String]] = [
        "channels": ["id", "name", "state", "caller.number", "dialplan.context", "dialplan.exten", "dialplan.priority", "creationtime"],
        "bridges": ["id", "technology", "bridge_type", "bridge_class", "channels", "creator"],
        "endpoints": ["technology", "resource", "state", "channel_ids"],
        "recordings": ["name", "format", "state", "duration"],
        "sounds": ["id", "formats.language", "text"],
        "applications": ["name", "channel_ids", "bridge_ids", "endpoint_ids", "device_names"],
        "deviceStates": ["name", "state"],
        "mailboxes": ["name", "old_messages", "new_messages"],
    ]
    /// The most columns of a table of an unknown resource.
    static let maximumColumns = 8

    /// The answer to a request on `path`, as a table when it is a list of objects.
    static func render(_ answer: ARIJSON, path: String) -> String {
        guard case .array(let items) = answer, !items.isEmpty,
            items.allSatisfy({ if case .object = $0 { return true } else { return false } })
        else { return answer.prettyPrinted }
        let rows = items.map(flatten)
        let resource = path.split(separator: "/").first { $0 != "ari" }.map(String.init) ?? ""
        var columns = (preferredColumns[resource] ?? []).filter { column in rows.contains { $0[column] != nil } }
        if columns.isEmpty {
            let keys = Set(rows.flatMap(\.keys))
            columns = Array(keys.sorted { rank($0) == rank($1) ? $0 < $1 : rank($0) < rank($1) }.prefix(maximumColumns))
        }
        let table = TableOutput.table(header: columns, rows: rows.map { row in columns.map { row[$0] ?? "" } })
        return table + "\n\n\(items.count) item\(items.count == 1 ? "" : "s")"
    }

    /// Identifying fields first, then shallow ones, then nested ones.
    private static func rank(_ key: String) -> Int {
        if key == "id" || key == "name" { return 0 }
        return key.contains(".") ? 2 : 1
    }

    /// An object's fields as text: nested objects one level deep as `a.b`, lists of values joined by
    /// commas, lists of objects as their count.
    static func flatten(_ value: ARIJSON) -> [String: String] {
        guard case .object(let members) = value else { return [:] }
        var row: [String: String] = [:]
        for (key, member) in members {
            switch member {
            case .object(let nested):
                for (inner, field) in nested { row[key + "." + inner] = text(field) }
            default:
                row[key] = text(member)
            }
        }
        return row
    }

    private static func text(_ value: ARIJSON) -> String {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .string(let string): return string
        case .array(let values):
            if values.contains(where: { if case .object = $0 { return true } else { return false } }) { return String(values.count) }
            return values.map(text).joined(separator: ",")
        case .object(let members): return "{\(members.count) fields}"
        }
    }
}
