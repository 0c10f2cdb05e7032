/// Which way an ``ARIClient``'s REST requests travel.
public enum ARIRESTTransport: Sendable, Hashable {
    /// HTTP/1.1 requests to the base URL (every Asterisk version).
    case http
    /// `RESTRequest` messages on the events WebSocket of `app` (Asterisk 22 and later), answered by
    /// `RESTResponse` messages on the same socket and correlated by request id.
    ///
    /// The client uses the WebSocket of its open ``ARIClient/events(apps:subscribeAll:reconnect:bufferSize:)``
    /// subscription that registered `app` (a ``StasisApplication`` named `app` opens one); when there
    /// is none, it opens one for `app` itself on the first request. Open your subscription before the
    /// first request: Asterisk lets one WebSocket own an application at a time.
    case webSocket(app: String)
}
