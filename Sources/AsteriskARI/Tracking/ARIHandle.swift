/// A resource created with an id the client chose and an event route opened before the request went
/// out: ``events`` holds every event about the resource from the first one, even those Asterisk sent
/// before its answer to the creating request arrived.
///
/// ```swift
/// let events = try await ari.events(apps: ["ivr"])
/// let call = try await ari.originateTracked(endpoint: "PJSIP/100", app: "ivr")
/// for await event in call.events { print(event.type) }   // ends with ChannelDestroyed
/// ```
///
/// The events arrive over the client's open events WebSockets (a subscription must be open for an
/// application that receives them). The stream ends when the resource ends (`ChannelDestroyed`,
/// `BridgeDestroyed`, `PlaybackFinished`, `RecordingFinished` / `RecordingFailed`), when ``close()``
/// is called, or when the client shuts down; it keeps at most `bufferSize` unread events.
public struct ARIHandle<Resource: Sendable>: Sendable {
    /// The resource's id (a recording's name), chosen by the client.
    public let key: ARIResourceKey
    /// The resource as Asterisk answered the creating request.
    public let resource: Resource
    /// The resource's events, in order, from the first.
    public let events: AsyncStream<ARIEvent>
    let routes: ARIEventRoutes
    let token: UInt64

    /// The resource's id.
    public var id: String { key.id }

    /// Stops following the resource (its ``events`` stream ends).
    public func close() { routes.close(key, token: token) }
}
