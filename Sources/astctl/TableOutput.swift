import AsteriskAMI

/// Aligned text tables for list responses (`CoreShowChannels`, `QueueStatus`, …): one table per
/// event name, with the columns a person wants for the events Asterisk is known to send and every
/// header otherwise.
enum TableOutput {
    /// The columns shown for well-known list events (any other event shows all its headers).
    static let preferredColumns: [String: [String]] = [
        "coreshowchannel": ["Channel", "ChannelStateDesc", "CallerIDNum", "Context", "Exten", "Priority", "Application", "Duration", "BridgeId"],
        "status": ["Channel", "ChannelStateDesc", "CallerIDNum", "Context", "Exten", "Priority", "Uniqueid"],
        "bridgelistitem": ["BridgeUniqueid", "BridgeType", "BridgeTechnology", "BridgeNumChannels"],
        "bridgeinfochannel": ["Channel", "ChannelStateDesc", "CallerIDNum", "Uniqueid"],
        "queueparams": ["Queue", "Strategy", "Calls", "Holdtime", "TalkTime", "Completed", "Abandoned"],
        "queuemember": ["Queue", "Name", "Location", "Membership", "Status", "Paused", "PausedReason", "CallsTaken", "Penalty"],
        "queueentry": ["Queue", "Position", "Channel", "CallerIDNum", "CallerIDName", "Wait"],
        "queuesummary": ["Queue", "LoggedIn", "Available", "Callers", "HoldTime", "TalkTime", "LongestHoldTime"],
        "endpointlist": ["ObjectName", "Transport", "Aor", "Auths", "DeviceState", "ActiveChannels"],
        "dbgetresponse": ["Family", "Key", "Val"],
        "extensionstatus": ["Exten", "Context", "Hint", "Status", "StatusText"],
        "parkedcall": ["ParkeeChannel", "ParkingSpace", "ParkingLot", "ParkingTimeout"],
    ]

    /// Headers never shown as columns.
    static let hiddenColumns: Set<String> = ["event", "actionid"]
    /// Cells longer than this are cut with `…`.
    static let maximumCellWidth = 48

    /// The list events of `response` as tables, each under its event name, then the item count.
    static func render(_ response: AMIResponse, columns chosen: [String]? = nil) -> String {
        var groups: [(name: String, events: [AMIEvent])] = []
        for event in response.events {
            if let index = groups.firstIndex(where: { $0.name == event.name }) {
                groups[index].events.append(event)
            } else {
                groups.append((event.name, [event]))
            }
        }
        var blocks = groups.map { group in
            let columns = chosen ?? columns(for: group.name, events: group.events)
            let rows = group.events.map { event in columns.map { event[$0] ?? "" } }
            return (groups.count > 1 ? group.name + "\n" : "") + table(header: columns, rows: rows)
        }
        let count = response.completionEvent?["ListItems"] ?? String(response.events.count)
        blocks.append("\(count) item\(count == "1" ? "" : "s")")
        return blocks.joined(separator: "\n\n")
    }

    /// The columns for events named `name`: the preferred ones that occur, or every header in order of appearance.
    static func columns(for name: String, events: [AMIEvent]) -> [String] {
        let present = Set(events.flatMap { $0.headers.map { $0.name.lowercased() } })
        if let preferred = preferredColumns[name.lowercased()] {
            let shown = preferred.filter { present.contains($0.lowercased()) }
            if !shown.isEmpty { return shown }
        }
        var seen: Set<String> = []
        var columns: [String] = []
        for event in events {
            for header in event.headers where !hiddenColumns.contains(header.name.lowercased()) {
                if seen.insert(header.name.lowercased()).inserted { columns.append(header.name) }
            }
        }
        return columns
    }

    /// An aligned table: a header row, then the rows, columns two spaces apart.
    static func table(header: [String], rows: [[String]]) -> String {
        let cut = rows.map { $0.map(Self.cut) }
        var widths = header.map(\.count)
        for row in cut {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                text += isLast ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }
            return text
        }
        return ([line(header)] + cut.map(line)).joined(separator: "\n")
    }

    private static func cut(_ cell: String) -> String {
        let flat = cell.replacingAll("\n", with: " ")
        return flat.count > maximumCellWidth ? String(flat.prefix(maximumCellWidth - 1)) + "…" : flat
    }
}

extension String {
    /// The string with every `target` character replaced by `replacement`.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
