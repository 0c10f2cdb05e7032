// CLI commands and the console log over Asterisk's control socket, without the asterisk binary.
// Against a real Asterisk: ASTERISK_CTL=/var/run/asterisk/asterisk.ctl swift run console-commands
// (the process needs permission on the socket). Without it, AsteriskTesting's fake console answers.
import AsteriskConsole
import AsteriskTesting
import Foundation

let environment = ProcessInfo.processInfo.environment
let fake: FakeConsoleServer? = environment["ASTERISK_CTL"] == nil ? try await FakeConsoleServer.start() : nil
let path = try AsteriskConsole.resolveSocketPath(explicit: fake?.socketPath, environment: environment, asteriskConfPath: nil)
let console = try await AsteriskConsole.connect(socketPath: path)
print("Asterisk \(console.greeting.version) on \(console.greeting.hostname), pid \(console.greeting.pid)")

for command in ["core show version", "core show channels", "core show nonsense"] {
    let output = try await console.run(command)
    print("> \(command)\(output.commandWasKnown ? "" : "   (unknown command)")")
    for line in output.lines { print("  \(line)") }
}

// Follow the log for a moment.
let log = Task {
    for await element in console.log(verbosity: 3) {
        if case .line(let line) = element { print("log: \(line)") }
    }
}
try await Task.sleep(for: .milliseconds(200))
if let fake {
    fake.emitVerbose("    -- Executing [100@office:1] Answer(\"PJSIP/100-00000001\", \"\") in new stack", level: 3)
    fake.emitLog(level: "NOTICE", message: "Registered SIP 'alice'", file: "res_pjsip_registrar.c", line: 1089, function: "register_aor_core")
}
try await Task.sleep(for: .milliseconds(300))
log.cancel()
await fake?.stop()
