import AsteriskConfig
import AsteriskTesting
import Testing

@testable import AsteriskARI

@Suite("ARI settings from ari.conf and http.conf")
struct ARIConfigFilesTests {
    private func parse(_ name: String, _ text: String) throws -> ConfigDocument { try ConfigParser(file: name).parse(text) }

    private let ariConf = "[general]\nenabled = yes\n[app]\ntype = user\nread_only = no\npassword = secret\n[hashed]\ntype = user\npassword_format = crypt\npassword = $6$x\n"

    /// The ARIError `body` throws, if any.
    private func failure(_ body: () throws -> Void) -> ARIError? {
        do {
            try body()
            return nil
        } catch {
            return error as? ARIError
        }
    }

    @Test func aUserReachesTheFakeServer() async throws {
        let server = try await FakeARIServer.start()
        let http = try parse("http.conf", "[general]\nenabled = yes\nbindaddr = 0.0.0.0\nbindport = \(server.port)\n")
        let configuration = try ARIClientConfiguration(ariConf: parse("ari.conf", ariConf), httpConf: http, user: "app")
        #expect(configuration.baseURL == "http://127.0.0.1:\(server.port)/ari")
        let ari = ARIClient(configuration: configuration)
        #expect(try await ari.send(ARIOperations.Asterisk.getInfo()).system?.version != nil)
        try await ari.shutdown()
        await server.stop()
    }

    @Test func prefixesPortsAndTLS() throws {
        let ari = try parse("ari.conf", ariConf)
        let prefixed = try ARIClientConfiguration(
            ariConf: ari, httpConf: parse("http.conf", "[general]\nenabled = yes\nbindaddr = ::\nprefix = asterisk\n"), user: "APP")
        #expect(prefixed.baseURL == "http://[::1]:8088/asterisk/ari")
        #expect(prefixed.credentials == .basic("app", "secret"))
        let tls = try ARIClientConfiguration(
            ariConf: ari, httpConf: parse("http.conf", "[general]\nenabled = yes\nbindaddr = 127.0.0.1\ntlsenable = yes\ntlsbindaddr = 0.0.0.0:8443\n"),
            user: "app", host: "pbx.example.com", useTLS: true)
        #expect(tls.baseURL == "https://pbx.example.com:8443/ari")
        let tlsDefault = try ARIClientConfiguration(
            ariConf: ari, httpConf: parse("http.conf", "[general]\nenabled = yes\nbindaddr = 127.0.0.1:8000\ntlsenable = yes\n"), user: "app", useTLS: true)
        #expect(tlsDefault.baseURL == "https://127.0.0.1:8089/ari")
        let bindaddrPort = try ARIClientConfiguration(
            ariConf: ari, httpConf: parse("http.conf", "[general]\nenabled = yes\nbindaddr = 127.0.0.1:8000\nbindport = 9000\n"), user: "app")
        #expect(bindaddrPort.baseURL == "http://127.0.0.1:8000/ari")
    }

    @Test func unusableSettingsAreExplained() throws {
        let ari = try parse("ari.conf", ariConf)
        let http = try parse("http.conf", "[general]\nenabled = yes\nbindaddr = 127.0.0.1\n")
        let cases: [(ConfigDocument, ConfigDocument, String, String)] = [
            (ari, http, "hashed", "cannot be used to log in"),
            (ari, http, "nobody", "no ARI user [nobody]"),
            (try parse("ari.conf", "[general]\nenabled = no\n"), http, "app", "ARI is disabled"),
            (ari, try parse("http.conf", "[general]\nbindaddr = 127.0.0.1\n"), "app", "HTTP server is not enabled"),
            (ari, try parse("http.conf", "[general]\nenabled = yes\n"), "app", "no usable bindaddr"),
        ]
        for (ariConf, httpConf, user, words) in cases {
            let error = failure { _ = try ARIClientConfiguration(ariConf: ariConf, httpConf: httpConf, user: user) }
            #expect(error?.code == .invalidConfiguration)
            #expect(error?.message.contains(words) == true, "\(String(describing: error))")
        }
        #expect(failure { _ = try ARIClientConfiguration(ariConf: ari, httpConf: http, user: "app", useTLS: true) }?.message.contains("TLS") == true)
    }
}
