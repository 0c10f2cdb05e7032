import Foundation

extension ARIRequest where Response == ARIJSON {
    /// Any ARI call by method and path below `/ari` (`GET /channels`, `POST channels/abc/answer`),
    /// answered as raw JSON (`null` for an empty answer). Path segments are percent-encoded here.
    /// - Throws: ``ARIError`` `.invalidRequest` for an unknown method or a control character in the path.
    public static func raw(
        method: String, path: String, query: [URLQueryItem] = [], body: ARIJSON? = nil
    ) throws(ARIError) -> ARIRequest<ARIJSON> {
        let verb = method.uppercased()
        guard ["GET", "POST", "PUT", "DELETE"].contains(verb) else {
            throw ARIError(.invalidRequest, "\(method.debugDescription) is not an ARI method (GET, POST, PUT, DELETE)")
        }
        guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ARIError(.invalidRequest, "the path \(path.debugDescription) contains control characters")
        }
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if segments.first == "ari" { segments.removeFirst() }
        guard !segments.isEmpty else { throw ARIError(.invalidRequest, "the path names no resource") }
        let encoded = "/" + segments.map(ARIRequestBuilding.segment).joined(separator: "/")
        return ARIRequest(method: verb, path: encoded, query: query, body: body, operation: "\(segments[0]).raw") { data in
            data.isEmpty ? .null : try JSONDecoder().decode(ARIJSON.self, from: data)
        }
    }
}
