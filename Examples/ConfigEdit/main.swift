import AsteriskConfig
import Foundation

// Loads a small pjsip.conf with an #include and a template, reads typed values, edits one value
// losslessly, and reads a dialplan:
//   swift run config-edit [DIRECTORY]   (default: a temporary directory with sample files)

let directory = CommandLine.arguments.dropFirst().first ?? {
    let path = NSTemporaryDirectory() + "config-edit-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    try? "[phone](!)\ntype = endpoint\nallow = ulaw,alaw\ndirect_media = no\n".write(toFile: path + "/templates.conf", atomically: true, encoding: .utf8)
    try? "#include templates.conf\n\n[100](phone)\nallow = g722   ; wideband first\ncallerid = \"Desk\" <100>\n"
        .write(toFile: path + "/pjsip.conf", atomically: true, encoding: .utf8)
    try? "[office]\nexten => 100,1,Answer()\n same => n,Dial(PJSIP/100,30)\n same => n,Hangup()\nexten => 100,hint,PJSIP/100\n"
        .write(toFile: path + "/extensions.conf", atomically: true, encoding: .utf8)
    return path
}()

do {
    let config = try ConfigLoader(configDirectory: directory).load("pjsip.conf")
    for endpoint in config.categories where endpoint["type"] == "endpoint" {
        print("[\(endpoint.name)] codecs \(endpoint.list("allow")), direct media \(try endpoint.bool("direct_media") ?? true)")
    }

    let path = directory + "/pjsip.conf"
    var document = try ConfigParser.parse(contentsOfFile: path)
    try document.setVariable("allow", to: "opus", in: "100")
    try document.write(toFile: path)
    print("after the edit:\n" + (try String(contentsOfFile: path, encoding: .utf8)))

    let dialplan = Dialplan(try ConfigLoader(configDirectory: directory).load("extensions.conf"))
    if let desk = dialplan.context("office")?.extension("100") {
        print("office,100: \(desk.priorities.map { "\($0.number ?? 0) \($0.application)" }.joined(separator: ", ")); hint \(desk.hint ?? "-")")
    }
} catch {
    print("config-edit: \(error)")
    exit(1)
}
