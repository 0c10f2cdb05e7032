import Foundation
import Testing

/// ARI's API description, when the shared reference data sits beside the checkout.
private let apiDocs = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/asterisk/ari-api-docs")

private let generated = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources/AsteriskARI")

@Suite("ARI coverage of the API description")
struct ARICoverageTests {
    private func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: apiDocs.appendingPathComponent(name))) as! [String: Any]
    }

    private func source(_ path: String) throws -> String {
        try String(contentsOf: generated.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every operation of every resource has a request builder and a client method.
    @Test func everyOperationIsGenerated() throws {
        guard FileManager.default.fileExists(atPath: apiDocs.path) else {
            print("skipped: \(apiDocs.path) is absent (the shared reference data is not beside this checkout)")
            return
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: apiDocs.path).filter { $0.hasSuffix(".json") }
        var checked = 0
        for file in files {
            let resource = String(file.dropLast(5))
            let apis = (try json(file)["apis"] as? [[String: Any]]) ?? []
            let typeName = resource.prefix(1).uppercased() + resource.dropFirst()
            for api in apis {
                for operation in (api["operations"] as? [[String: Any]]) ?? [] where operation["upgrade"] == nil {
                    let method = operation["httpMethod"] as! String
                    let path = api["path"] as! String
                    let nickname = operation["nickname"] as! String
                    let marker = "/// `\(method) \(path)`."
                    let builders = try source("REST/Generated/ARIOperations+\(typeName).swift")
                    let methods = try source("REST/Generated/ARI\(typeName)Resource.swift")
                    #expect(builders.contains(marker) && builders.contains("func \(nickname)("), "\(resource).\(nickname)")
                    #expect(methods.contains(marker) && methods.contains("func \(nickname)("), "\(resource).\(nickname)")
                    checked += 1
                }
            }
        }
        #expect(checked > 100)
    }

    /// Every event type of `events.json` has its Swift type.
    @Test func everyEventIsGenerated() throws {
        guard FileManager.default.fileExists(atPath: apiDocs.path) else {
            print("skipped: \(apiDocs.path) is absent (the shared reference data is not beside this checkout)")
            return
        }
        let models = try json("events.json")["models"] as! [String: Any]
        for (name, model) in models {
            guard let model = model as? [String: Any], name != "Event", name != "Message" else { continue }
            let isEvent = (model["extends"] as? String) == "Event" || name == "MissingParams"
            guard isEvent else { continue }
            let file = generated.appendingPathComponent("Events/Generated/ARI\(name)Event.swift")
            #expect(FileManager.default.fileExists(atPath: file.path), "\(name)")
        }
    }
}
