import Foundation
import Testing

@testable import AsteriskConfig

@Suite("extensions.conf as pbx_config reads it")
struct DialplanTests {
    private func dialplan(_ text: String) throws -> Dialplan {
        try Dialplan(ConfigParser(file: "extensions.conf").parse(text))
    }

    @Test func prioritiesLabelsAndSameLines() throws {
        let plan = try dialplan("""
            [general]
            static = yes
            [globals]
            TRUNK = PJSIP/trunk
            [office]
            exten => 100,1,Answer()
             same => n(menu),Background(welcome)
             same => n,WaitExten(5)
            exten => 100,hint,PJSIP/100&Custom:dnd100
            exten => _9NXX.,1,Dial(${TRUNK}/${EXTEN:1},30,tT)
            exten => _9NXX.,n+1,Hangup(16)
            exten => 100,menu+2,Goto(menu)
            exten => 200/5551234,1,Playback(vip)
            exten => 300,1,Set(X=(a,b))
            exten => _[1,2]XX,1,NoOp
            include => outbound
            include => daytime,09:00-17:00,mon-fri,*,*
            switch => IAX2/user:secret@host/context
            eswitch => Realtime/${CONTEXT}@realtime
            ignorepat => 9
            autohints = yes
            """)
        #expect(plan.general?["static"] == "yes")
        #expect(plan.globals == [ConfigVariable(name: "TRUNK", value: "PJSIP/trunk")])
        let office = try #require(plan.context("office"))
        let reception = try #require(office.extension("100"))
        #expect(reception.priorities.map(\.number) == [1, 2, 3, 4])
        #expect(reception.priority(labeled: "menu")?.application == "Background")
        #expect(reception.priority(4)?.written == .label("menu") && reception.priority(4)?.offset == 2)
        #expect(reception.priorities[1].isSameLine && reception.priorities[1].line == 7)
        #expect(reception.hint == "PJSIP/100&Custom:dnd100")
        let trunk = try #require(office.extension("_9NXX."))
        #expect(trunk.priorities.map(\.number) == [1, 3])
        #expect(trunk.priorities[0].arguments == "${TRUNK}/${EXTEN:1},30,tT")
        #expect(office.extension("200", callerID: "5551234")?.priorities.first?.application == "Playback")
        #expect(office.extension("300")?.priorities.first?.arguments == "X=(a,b)")
        #expect(office.extension("_[1,2]XX")?.priorities.first.map { ($0.application, $0.arguments) } ?? ("", "") == ("NoOp", ""))
        #expect(office.includes.map(\.context) == ["outbound", "daytime"])
        #expect(office.includes[1].timing == "09:00-17:00,mon-fri,*,*")
        #expect(office.switches.map(\.kind) == [.switch, .eswitch])
        #expect(office.switches[0].module == "IAX2" && office.switches[0].data == "user:secret@host/context")
        #expect(office.ignorePatterns == ["9"])
        #expect(office.autohints == true)
        #expect(plan.warnings.isEmpty, "\(plan.warnings)")
    }

    @Test func whatAsteriskSkipsIsWarnedAbout() throws {
        let plan = try dialplan("""
            [a]
            same => 1,NoOp(no exten above)
            exten => 1,n,NoOp(first line cannot be n)
            exten => 2,1(broken,NoOp
            exten => 2,nolabel,NoOp
            exten => 2,0,NoOp
            exten => 3,hint,PJSIP/3
            exten => 3,n,NoOp(zero after a hint)
            frobnicate => x
            [a]
            exten => 4,1,NoOp(same context, second section)
            """)
        #expect(plan.warnings.map(\.line) == [2, 3, 4, 5, 6, 8, 9])
        #expect(plan.contexts.count == 1)
        #expect(plan.context("a")?.extensions.map(\.pattern) == ["3", "4"])
    }

    @Test func theSampleDialplanReads() throws {
        guard let directory = ConfigSamples.directory else { return }
        let document = try ConfigParser(file: "extensions.conf").parse(bytes: Data(contentsOf: directory.appendingPathComponent("extensions.conf")))
        let plan = try Dialplan(document)
        #expect(plan.contexts.count > 10)
        #expect(plan.general?["static"] != nil)
        let priorities = plan.contexts.flatMap(\.priorities)
        #expect(priorities.count > 100)
        #expect(priorities.allSatisfy { $0.isHint || ($0.number ?? 0) >= 1 })
        #expect(plan.contexts.contains { !$0.includes.isEmpty })
        for warning in plan.warnings { print("extensions.conf sample: \(warning)") }
    }
}
