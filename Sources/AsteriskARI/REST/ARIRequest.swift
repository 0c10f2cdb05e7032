import Foundation

/// One ARI REST call, ready to send: method, path, query, JSON body, and the type its answer decodes to.
///
/// Built by the generated operations in ``ARIOperations`` (one per operation of ARI's API
/// description), so names, required parameters and types come from Asterisk itself. The request is a
/// plain value: any HTTP client can send it, and tests can inspect it.
public struct ARIRequest<Response: Sendable>: Sendable {
    /// The HTTP method.
    public let method: String
    /// The path below `/ari`, with path parameters percent-encoded (`/channels/abc/play`).
    public let path: String
    /// The query parameters, in the order the API description lists them.
    public let query: [URLQueryItem]
    /// The JSON body, for the few operations that take one.
    public let body: ARIJSON?
    /// `resource.operation`, for errors and logs (`channels.originate`).
    public let operation: String
    /// Turns the response body into `Response`.
    let decode: @Sendable (Data) throws -> Response

    /// Creates a request.
    init(
        method: String, path: String, query: [URLQueryItem], body: ARIJSON?, operation: String,
        decode: @escaping @Sendable (Data) throws -> Response
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.operation = operation
        self.decode = decode
    }

    /// Decodes a successful response body.
    public func decodeResponse(_ data: Data) throws(ARIError) -> Response {
        do {
            return try decode(data)
        } catch {
            throw ARIError(.malformedResponse, "\(operation): the response did not decode: \(error)")
        }
    }
}

/// The answer of operations that return nothing (`204 No Content`).
public struct ARINoContent: Sendable, Hashable {
    /// Creates the empty answer.
    public init() {}
}

/// Helpers the generated operations use.
enum ARIRequestBuilding {
    /// Percent-encodes one path segment (everything but unreserved characters).
    static func segment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }

    /// A JSON decoder for a model type.
    static func json<T: Decodable & Sendable>(_ type: T.Type) -> @Sendable (Data) throws -> T {
        { try JSONDecoder().decode(T.self, from: $0) }
    }

    /// Ignores the body.
    static let none: @Sendable (Data) throws -> ARINoContent = { _ in ARINoContent() }

    /// Keeps the body as it is (recordings and other binary answers).
    static let binary: @Sendable (Data) throws -> Data = { $0 }
}

extension [URLQueryItem] {
    /// Adds `name=value` when a value is given.
    mutating func add(_ name: String, _ value: String?) {
        if let value { append(URLQueryItem(name: name, value: value)) }
    }

    /// Adds a number parameter.
    mutating func add(_ name: String, _ value: Int?) {
        add(name, value.map(String.init))
    }

    /// Adds a boolean parameter as `true` / `false`.
    mutating func add(_ name: String, _ value: Bool?) {
        add(name, value.map { $0 ? "true" : "false" })
    }

    /// Adds a list parameter, comma-separated as ARI expects.
    mutating func add(_ name: String, _ value: [String]?) {
        add(name, value.map { $0.joined(separator: ",") })
    }
}
