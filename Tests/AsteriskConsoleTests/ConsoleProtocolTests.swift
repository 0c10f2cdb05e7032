import Testing

@testable import AsteriskConsole

/// The control socket's protocol without a socket: greeting, command encoding, line classification.
@Suite("Console protocol")
struct ConsoleProtocolTests {
    @Test func theGreetingIsHostPidVersion() throws {
        let greeting = try ConsoleGreeting.parse("pbx.example.com/4711/23.4.1\n")
        #expect(greeting == ConsoleGreeting(hostname: "pbx.example.com", pid: 4711, version: "23.4.1"))
        #expect(greeting.encoded == "pbx.example.com/4711/23.4.1\n")
        // A version with slashes stays whole.
        #expect(try ConsoleGreeting.parse("h/1/GIT-master-abc/def").version == "GIT-master-abc/def")
        for bad in ["", "\n", "host", "host/x/23", "/1/23", "host/1/", "Connection refused"] {
            #expect(throws: ConsoleError.self) { try ConsoleGreeting.parse(bad) }
        }
    }

    @Test func commandsAreNulTerminatedAndCannotSmuggleAnother() throws {
        #expect(try ConsoleCommand.encode("core show version") == Array("core show version".utf8) + [0])
        #expect(try ConsoleCommand.encodeRunThenQuit("core show channels") == Array("cli quit after core show channels".utf8) + [0])
        for bad in ["", "   ", "core show version\ncore stop now", "a\rb", "a\u{0}core stop now"] {
            #expect(throws: ConsoleError.self) { try ConsoleCommand.encode(bad) }
            #expect(throws: ConsoleError.self) { try ConsoleCommand.encodeRunThenQuit(bad) }
        }
    }

    @Test func verboseMarkersLogLinesAndOutputAreToldApart() {
        var parser = ConsoleLineParser()
        var bytes: [UInt8] = []
        bytes += [0xFC] + Array("    -- Executing [100@office:1] Answer(\"PJSIP/100-00000001\", \"\") in new stack\n".utf8)  // -4 → level 3
        bytes += Array("[Nov 23 04:13:10] \u{1B}[1;33mNOTICE\u{1B}[0m[4711][C-00000002]: \u{1B}[1;37mchan_pjsip.c\u{1B}[0m:\u{1B}[1;37m2945\u{1B}[0m \u{1B}[1;37mrequest\u{1B}[0m: Unknown endpoint 'x'\n".utf8)
        bytes += Array("[Nov 23 04:13:11] WARNING[4712]: loader.c:1200 load_modules: Some modules could not be loaded\n".utf8)
        bytes += Array("Channel              Location             State   Application(Data)\r\n".utf8)
        bytes += Array("0 active channels\n".utf8)
        let lines = parser.feed(bytes)
        #expect(lines.count == 5)
        #expect(lines[0] == .verbose(level: 3, text: "    -- Executing [100@office:1] Answer(\"PJSIP/100-00000001\", \"\") in new stack"))
        #expect(lines[1] == .log(ConsoleLogLine(
            timestamp: "Nov 23 04:13:10", level: "NOTICE", thread: 4711, callID: "C-00000002", file: "chan_pjsip.c", line: 2945,
            function: "request", message: "Unknown endpoint 'x'")))
        #expect(lines[2] == .log(ConsoleLogLine(
            timestamp: "Nov 23 04:13:11", level: "WARNING", thread: 4712, file: "loader.c", line: 1200, function: "load_modules",
            message: "Some modules could not be loaded")))
        #expect(lines[3] == .output("Channel              Location             State   Application(Data)"))
        #expect(lines[4] == .output("0 active channels"))
        #expect(parser.finish() == nil)
    }

    @Test func linesSplitAcrossReadsAndOverlongLinesAreBounded() {
        var parser = ConsoleLineParser(maximumLineLength: 32)
        #expect(parser.feed(Array("Asterisk 23.4.1 built by ".utf8)).isEmpty)
        #expect(parser.feed(Array("root\n".utf8)) == [.output("Asterisk 23.4.1 built by root")])
        let long = parser.feed([UInt8](repeating: UInt8(ascii: "x"), count: 100))
        #expect(long.count == 3)
        #expect(long.allSatisfy { if case .output(let text) = $0 { return text.count == 32 } else { return false } })
        #expect(parser.finish() == .output(String(repeating: "x", count: 4)))
        // Every verbose level Asterisk uses, and garbage that is none of them.
        for level in 0...10 {
            var p = ConsoleLineParser()
            #expect(p.feed([UInt8(bitPattern: Int8(-level - 1))] + Array("x\n".utf8)) == [.verbose(level: level, text: "x")])
        }
        var garbage = ConsoleLineParser()
        #expect(garbage.feed(Array("[not a log] line\n[x] LEVEL: y\n\u{1B}[\n".utf8)).allSatisfy { if case .output = $0 { return true } else { return false } })
    }
}

import AsteriskConfig
import Foundation

@Suite("Console socket path")
struct ConsoleSocketPathTests {
    @Test func theSocketPathComesFromAFlagTheEnvironmentOrAsteriskConf() throws {
        let conf = try ConfigParser().parse(bytes: Array("[directories](!)\nastrundir => /run/pbx/\n\n[files]\nastctl = pbx.ctl\n".utf8))
        #expect(AsteriskConsole.socketPath(asteriskConf: conf) == "/run/pbx/pbx.ctl")
        let empty = try ConfigParser().parse(bytes: Array("[options]\nverbose = 3\n".utf8))
        #expect(AsteriskConsole.socketPath(asteriskConf: empty) == "/var/run/asterisk/asterisk.ctl")
        #expect(try AsteriskConsole.resolveSocketPath(explicit: "/a.ctl", environment: ["ASTERISK_CTL": "/b.ctl"], asteriskConfPath: nil) == "/a.ctl")
        #expect(try AsteriskConsole.resolveSocketPath(explicit: nil, environment: ["ASTERISK_CTL": "/b.ctl"], asteriskConfPath: nil) == "/b.ctl")
        #expect(try AsteriskConsole.resolveSocketPath(explicit: nil, environment: [:], asteriskConfPath: nil) == AsteriskConsole.defaultSocketPath)
        #expect(throws: ConsoleError.self) {
            try AsteriskConsole.resolveSocketPath(explicit: nil, environment: [:], asteriskConfPath: "/nonexistent/asterisk.conf")
        }
        // Asterisk's own sample, when the shared reference data is around.
        let sample = "../shared/asterisk/config-samples/asterisk.conf"
        if FileManager.default.fileExists(atPath: sample) {
            #expect(try AsteriskConsole.resolveSocketPath(explicit: nil, environment: [:], asteriskConfPath: sample) == "/var/run/asterisk/asterisk.ctl")
        }
    }
}
