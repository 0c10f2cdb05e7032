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

extension ARIRequest where Response: Decodable {
    /// A request whose answer is JSON decoding to `Response`.
    init(_ method: String, _ path: String, query: [URLQueryItem] = [], body: ARIJSON? = nil, operation: String) {
        self.init(method: method, path: path, query: query, body: body, operation: operation) {
            try JSONDecoder().decode(Response.self, from: $0)
        }
    }
}

extension ARIRequest where Response: Decodable & ARIJSONReadable {
    /// A request whose answer is one of ARI's models (or a list of them): read straight from the bytes
    /// by the generated readers, with the rules of its `Decodable` conformance.
    init(_ method: String, _ path: String, query: [URLQueryItem] = [], body: ARIJSON? = nil, operation: String) {
        self.init(method: method, path: path, query: query, body: body, operation: operation) { data in
            try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws(ARIJSONReader.Failure) in
                try ARIJSONReader.read(Response.self, from: bytes)
            }
        }
    }
}

extension ARIRequest where Response == ARINoContent {
    /// A request answered with no content.
    init(_ method: String, _ path: String, query: [URLQueryItem] = [], body: ARIJSON? = nil, operation: String) {
        self.init(method: method, path: path, query: query, body: body, operation: operation) { _ in ARINoContent() }
    }
}

extension ARIRequest where Response == Data {
    /// A request whose answer is kept as bytes (recordings and other binary answers).
    init(_ method: String, _ path: String, query: [URLQueryItem] = [], body: ARIJSON? = nil, operation: String) {
        self.init(method: method, path: path, query: query, body: body, operation: operation) { $0 }
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
