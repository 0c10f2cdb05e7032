import AsteriskAMI
import AsteriskConfig

/// The configuration part of `astctl demo`: manager.conf gives the AMI login, extensions.conf is read
/// as a dialplan and edited without disturbing a byte around the change.
enum DemoConfigScenario {
    /// The AMI settings for the demo user, read from a manager.conf that describes the fake server.
    static func managerLogin(port: Int, step: @Sendable (String) -> Void) throws -> AMIClientConfiguration {
        let managerConf = """
            [general]
            enabled = yes
            port = \(port)
            bindaddr = 0.0.0.0      ; every address

            [demo]
            secret = demo-secret
            read = all
            write = system,call,agent,originate

            """
        let document = try ConfigParser(file: "manager.conf").parse(managerConf)
        let configuration = try AMIClientConfiguration(managerConf: document, user: "demo", md5: true)
        step("Config: manager.conf user [demo] → \(configuration.host):\(configuration.port) (secret from the file, MD5 login)")
        return configuration
    }

    /// Reads a dialplan, changes one Dial timeout, and shows that only that line changed.
    static func run(step: @Sendable (String) -> Void) throws {
        let extensionsConf = """
            [globals]
            TRUNK = PJSIP/trunk

            [office]                               ; the front desk
            exten => 100,1,Answer()
             same => n(menu),Background(welcome)   ; label for Goto
             same => n,Dial(PJSIP/100,20)
            exten => 100,hint,PJSIP/100
            include => outbound

            """
        var document = try ConfigParser(file: "extensions.conf").parse(extensionsConf)
        let dialplan = try Dialplan(document)
        if let desk = dialplan.context("office")?.extension("100") {
            let steps = desk.priorities.map { "\($0.number ?? 0)\($0.label.map { "(\($0))" } ?? "") \($0.application)" }
            step("Config: extensions.conf [office] 100 → \(steps.joined(separator: ", ")); hint \(desk.hint ?? "-")")
        }
        guard let dial = document.categories.first(where: { $0.name == "office" })?.variables.last(where: { $0.variable.value.contains("Dial(") }) else {
            return
        }
        try document.setVariable("same", to: "n,Dial(PJSIP/100,30)", in: "office")
        let before = extensionsConf.split(separator: "\n", omittingEmptySubsequences: false)
        let after = document.text.split(separator: "\n", omittingEmptySubsequences: false)
        let changed = zip(before, after).filter { $0.0 != $0.1 }
        step("Config: edited line \(dial.line + 1): '\(changed.first?.1 ?? "")'; \(changed.count) line changed, \(after.count - changed.count) kept byte for byte")
    }
}
