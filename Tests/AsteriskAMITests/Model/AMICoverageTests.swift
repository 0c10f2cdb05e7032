import Foundation
import Testing

@testable import AsteriskAMI

/// Where Asterisk's XML reference lives when the shared reference data sits beside the checkout.
private let referenceXML = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/asterisk/docs/core-en_US.xml")

private let sourcesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources/AsteriskAMI")

@Suite("Typed layer coverage")
struct AMICoverageTests {
    /// The actions the AMI issue names; this list fails to compile if one is missing.
    @Test func requiredActionsExist() {
        let actions: [any AMIAction.Type] = [
            LoginAction.self, LogoffAction.self, ChallengeAction.self, PingAction.self, CommandAction.self,
            CoreSettingsAction.self, CoreStatusAction.self, CoreShowChannelsAction.self, StatusAction.self,
            OriginateAction.self, HangupAction.self, RedirectAction.self, GetvarAction.self, SetvarAction.self,
            EventsAction.self, FilterAction.self, UserEventAction.self, DBGetAction.self, DBPutAction.self,
            DBDelAction.self, ReloadAction.self, ListCommandsAction.self, QueueStatusAction.self,
            QueueSummaryAction.self, QueueAddAction.self, QueueRemoveAction.self, QueuePauseAction.self,
            PlayDTMFAction.self, AtxferAction.self, BlindTransferAction.self, BridgeAction.self,
            MixMonitorAction.self, StopMixMonitorAction.self, ExtensionStateAction.self, MailboxCountAction.self,
            PJSIPShowEndpointsAction.self, AGIAction.self,
        ]
        for action in actions {
            #expect("\(action)" == action.actionName + "Action")
        }
    }

    /// The events the AMI issue names.
    @Test func requiredEventsExist() {
        let events: [any AMITypedEvent.Type] = [
            FullyBootedEvent.self, NewchannelEvent.self, NewstateEvent.self, HangupEvent.self, HangupRequestEvent.self,
            DialBeginEvent.self, DialEndEvent.self, BridgeCreateEvent.self, BridgeEnterEvent.self, BridgeLeaveEvent.self,
            BridgeDestroyEvent.self, VarSetEvent.self, NewCalleridEvent.self, NewConnectedLineEvent.self,
            NewExtenEvent.self, DTMFBeginEvent.self, DTMFEndEvent.self, OriginateResponseEvent.self, CdrEvent.self,
            QueueMemberStatusEvent.self, QueueCallerJoinEvent.self, QueueCallerLeaveEvent.self,
            AgentConnectEvent.self, PeerStatusEvent.self, ContactStatusEvent.self, DeviceStateChangeEvent.self,
            ExtensionStatusEvent.self, UserEvent.self, AsyncAGIStartEvent.self, AsyncAGIExecEvent.self,
            AsyncAGIEndEvent.self, ShutdownEvent.self, ReloadEvent.self,
        ]
        for event in events {
            #expect(!event.eventName.isEmpty)
            let sample = AMIEvent(name: event.eventName.lowercased())
            #expect(sample.isNamed(event.eventName))
        }
    }

    /// Every action and event in Asterisk's XML reference has a generated (or hand-written) type.
    @Test func everyDocumentedActionAndEventIsTyped() throws {
        guard FileManager.default.fileExists(atPath: referenceXML.path) else {
            print("skipped: \(referenceXML.path) is absent (the shared reference data is not beside this checkout)")
            return
        }
        let xml = try String(contentsOf: referenceXML, encoding: .utf8)
        func names(_ pattern: String) throws -> Set<String> {
            let regex = try NSRegularExpression(pattern: pattern)
            let range = NSRange(xml.startIndex..., in: xml)
            return Set(regex.matches(in: xml, range: range).compactMap { Range($0.range(at: 1), in: xml).map { String(xml[$0]) } })
        }
        let swiftFiles = try FileManager.default.subpathsOfDirectory(atPath: sourcesDirectory.path)
            .filter { $0.hasSuffix(".swift") }.map { ($0 as NSString).lastPathComponent }
        let files = Set(swiftFiles)
        func typeFile(_ name: String, _ suffix: String) -> String {
            let base = name.filter { $0.isLetter || $0.isNumber }
            let capitalized = base.prefix(1).uppercased() + base.dropFirst()
            return (capitalized.hasSuffix(suffix) ? capitalized : capitalized + suffix) + ".swift"
        }
        let actions = try names(#"<manager name="([^"]+)""#)
        let events = try names(#"<managerEvent language="en_US" name="([^"]+)""#)
        #expect(actions.count > 150)
        #expect(events.count > 150)
        let missingActions = actions.filter { !files.contains(typeFile($0, "Action")) }
        let missingEvents = events.filter { !files.contains(typeFile($0, "Event")) }
        #expect(missingActions.isEmpty, "untyped actions: \(missingActions.sorted())")
        #expect(missingEvents.isEmpty, "untyped events: \(missingEvents.sorted())")
    }
}
