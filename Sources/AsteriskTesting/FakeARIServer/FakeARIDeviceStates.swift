import Foundation

extension FakeARIServer {
    /// The device states ARI may set, as Asterisk spells them.
    static let deviceStateValues: Set<String> = [
        "UNKNOWN", "NOT_INUSE", "INUSE", "BUSY", "INVALID", "UNAVAILABLE", "RINGING", "RINGINUSE", "ONHOLD",
    ]

    /// The device states set through ARI (`Stasis:` devices), by name.
    public var deviceStates: [String: String] { state.withLockedValue { $0.deviceStates } }

    /// `/deviceStates`: list, get, set (PUT, `Stasis:` devices only) and delete, with Asterisk's status codes.
    func routeDeviceStates(_ request: FakeARIRequest, segments: [String], state: inout FakeARIState) -> FakeARIResponse {
        let name = segments.count > 1 ? segments[1] : nil
        switch (request.method, name) {
        case ("GET", nil):
            return Self.okJSON(state.deviceStates.keys.sorted().map { ["name": $0, "state": state.deviceStates[$0]!] })
        case ("GET", let name?):
            return Self.okJSON(["name": name, "state": state.deviceStates[name] ?? "UNKNOWN"])
        case ("PUT", let name?):
            guard name.hasPrefix("Stasis:") else { return .error(409, "Uncontrolled device specified") }
            guard let value = request.query["deviceState"] else { return .error(400, "deviceState: Required parameter not provided") }
            guard Self.deviceStateValues.contains(value) else { return .error(400, "Invalid device state") }
            state.deviceStates[name] = value
            return FakeARIResponse(status: 204)
        case ("DELETE", let name?):
            guard name.hasPrefix("Stasis:") else { return .error(409, "Uncontrolled device specified") }
            guard state.deviceStates.removeValue(forKey: name) != nil else { return .error(404, "Device name is missing") }
            return FakeARIResponse(status: 204)
        default:
            return .error(405, "Method not allowed")
        }
    }
}
