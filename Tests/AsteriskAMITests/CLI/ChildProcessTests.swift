import AsteriskTesting
import Foundation
import Testing

@Suite("ChildProcess")
struct ChildProcessTests {
    #if os(Linux)
    @Test func aChildInheritsNoneOfTheTestProcessSockets() async throws {
        let server = try await FakeAMIServer.start()
        let child = try ChildProcess(
            path: "/bin/sh", arguments: ["-c", "for f in /proc/$$/fd/*; do echo \"$f $(readlink $f)\"; done"],
            environment: ["PATH": "/usr/bin:/bin"])
        let result = await child.finish(timeout: 30)
        #expect(result.status == 0)
        #expect(!result.output.isEmpty)
        #expect(!result.output.contains("socket:"), "inherited: \(result.output)")
        await server.stop()
    }
    #endif

    @Test func exitStatusOutputAndErrorComeBack() async throws {
        let child = try ChildProcess(path: "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"], environment: [:])
        let result = await child.finish(timeout: 30)
        #expect(result.status == 3)
        #expect(result.output == "out\n")
        #expect(result.error == "err\n")
    }

    @Test func aProgramThatOverrunsItsTimeoutIsTerminated() async throws {
        let child = try ChildProcess(path: "/bin/sh", arguments: ["-c", "exec sleep 30"], environment: ["PATH": "/usr/bin:/bin"])
        let result = await child.finish(timeout: 0.2)
        #expect(result.status == 128 + SIGTERM)
    }

    @Test func aMissingProgramIsALaunchError() {
        #expect(throws: ChildProcess.LaunchError.self) {
            _ = try ChildProcess(path: "/nonexistent/astctl", arguments: [], environment: [:])
        }
    }
}
