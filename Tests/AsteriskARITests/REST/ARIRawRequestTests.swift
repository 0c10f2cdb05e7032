import Foundation
import Testing

@testable import AsteriskARI

@Suite("Raw requests and URL configuration")
struct ARIRawRequestTests {
    @Test func rawRequestsEncodeTheirPathAndRefuseBadInput() throws {
        let request = try ARIRequest.raw(method: "post", path: "/ari/channels/a b/answer")
        #expect(request.method == "POST")
        #expect(request.path == "/channels/a%20b/answer")
        #expect(request.operation == "channels.raw")
        #expect(try request.decodeResponse(Data()) == .null)
        #expect(try request.decodeResponse(Data(#"{"x":1}"#.utf8))["x"] == .number(1))
        #expect(throws: ARIError.self) { _ = try ARIRequest.raw(method: "PATCH", path: "channels") }
        #expect(throws: ARIError.self) { _ = try ARIRequest.raw(method: "GET", path: "channels\r\nX-Injected: 1") }
        #expect(throws: ARIError.self) { _ = try ARIRequest.raw(method: "GET", path: "/ari/") }
    }

    @Test func aURLGivesBaseAndCredentialsAndErrorsHideThePassword() throws {
        let plain = try ARIClientConfiguration(url: "http://app:s%40cret@10.0.0.5:8088")
        #expect(plain.baseURL == "http://10.0.0.5:8088/ari")
        #expect(plain.credentials.username == "app")
        #expect(plain.credentials.password == "s@cret")
        let tls = try ARIClientConfiguration(url: "https://u:p@pbx.example.com/custom/ari")
        #expect(tls.baseURL == "https://pbx.example.com/custom/ari")
        do {
            _ = try ARIClientConfiguration(url: "ftp://u:topsecret@host")
            Issue.record("an ftp URL was accepted")
        } catch {
            #expect(error.code == .invalidRequest)
            #expect(!error.message.contains("topsecret"))
        }
        #expect(throws: ARIError.self) { _ = try ARIClientConfiguration(url: "http://host:8088") }
    }
}
