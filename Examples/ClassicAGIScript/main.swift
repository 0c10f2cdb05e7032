// A classic AGI script: Asterisk starts it with `exten => 100,1,AGI(/usr/local/bin/classic-agi-script,hello)`
// and talks to it over stdin/stdout. It answers, says the caller's number, plays the file named by its
// first argument, and records the outcome in a channel variable. Nothing may be printed to stdout
// (that is Asterisk's input); use the logger, which writes to stderr.
import AsteriskAGI
import Logging

LoggingSystem.bootstrap(StreamLogHandler.standardError)
let call = try await ClassicAGI.connect()
do {
    try await call.answer()
    if let number = call.environment.callerIDNumber, let digits = Int(number) {
        try await call.sayDigits(String(digits))
    }
    let file = call.environment.arguments.first ?? "hello-world"
    let playback = try await call.streamFile(file, escapeDigits: "#")
    try await call.setVariable("SCRIPT_RESULT", playback.keyPress == .none ? "played" : "interrupted")
} catch let error as AGIError where error.code == .hangup {
    call.logger.info("caller hung up")
}
await call.close()
