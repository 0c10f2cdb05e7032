import Foundation
import Testing

@testable import AsteriskConfig

@Suite("Parsing .conf files as Asterisk reads them")
struct ConfigParserTests {
    private func parse(_ text: String) throws(ConfigError) -> ConfigDocument { try ConfigParser(file: "test.conf").parse(text) }

    @Test func categoriesTemplatesAndVariables() throws {
        let text = """
            [general]
            bindaddr = 0.0.0.0   ; listen everywhere
            [phone](!)
            type=endpoint
            allow => ulaw
            allow => alaw
            [office](!,phone)
            context = office
            [100](office)
            callerid = "Reception" <100>
            context = reception
            [100](+)
            mailboxes = 100@default
            """
        let document = try parse(text)
        #expect(document.text == text)
        let own = document.categories
        #expect(own.map(\.name) == ["general", "phone", "office", "100"])
        #expect(own[1].header.isTemplate)
        #expect(own[2].header == ConfigCategoryHeader(name: "office", isTemplate: true, templates: ["phone"]))
        #expect(own[3].variables.map(\.variable.name) == ["callerid", "context", "mailboxes"])
        let resolved = try document.resolvedCategories()
        #expect(resolved.map(\.name) == ["general", "100"])
        let phone = resolved[1]
        #expect(phone.variables.map(\.variable.name) == ["type", "allow", "allow", "context", "callerid", "context", "mailboxes"])
        #expect(phone.inheritedCount == 4)
        #expect(phone["context"] == "reception")
        #expect(phone.values(of: "allow") == ["ulaw", "alaw"])
        #expect(phone.variables[1].variable.isObject)
        #expect(resolved[0]["bindaddr"] == "0.0.0.0")
        #expect(phone["callerid"] == "\"Reception\" <100>")
    }

    @Test func commentsBlocksAndEscapes() throws {
        let text = """
            [a]
            x = 1 ; trailing
            y = semi\\;colon ; real comment
            ;-- a block
            z = hidden
              ;-- nested --;
            still = hidden
            --; w = after block
            v = before ;-- opens
            hidden = yes --; u = 2
            ;--- not a block, a line comment
            t = 3
            """
        let document = try parse(text)
        #expect(document.text == text)
        let variables = try #require(document.categories.first).variables.map { "\($0.variable.name)=\($0.variable.value)" }
        #expect(variables == ["x=1", "y=semi;colon", "w=after block", "v=before", "u=2", "t=3"])
        #expect(document.lines[3].element == .comment)
        #expect(document.warnings.isEmpty)
    }

    @Test func directivesAndOddLines() throws {
        let text = "#include \"users.conf\"\n#tryinclude <extra/*.conf>\n#exec /bin/date\n#frobnicate x\n[c]\nnovalue\nempty =\nsum += more\n"
        let document = try parse(text)
        #expect(document.text == text)
        let directives = document.lines.compactMap { line -> ConfigDirective? in
            if case .directive(let directive) = line.element { return directive }
            return nil
        }
        #expect(directives.map(\.kind) == [.include, .tryInclude, .exec, .unknown])
        #expect(directives.map(\.argument) == ["users.conf", "extra/*.conf", "/bin/date", "x"])
        #expect(document.warnings.map(\.line) == [6])
        let variables = try #require(document.categories.first).variables.map(\.variable)
        #expect(variables == [ConfigVariable(name: "empty", value: ""), ConfigVariable(name: "sum", value: "more")])
    }

    @Test func latin1FilesComeBackByteForByte() throws {
        let bytes: [UInt8] = Array("[m]\nname = Ren".utf8) + [0xE9] + Array(" ; caf".utf8) + [0xE9, 0x0A]
        let document = try ConfigParser(file: "latin1.conf").parse(bytes: bytes)
        #expect(document.encoding == .isoLatin1)
        #expect(document.categories.first?["name"] == "René")
        #expect(document.data == bytes)
        let lenient = try ConfigParser(file: "x", variablesOutsideCategoriesAreErrors: false).parse("a = 1\n[c]\n")
        #expect(lenient.warnings.map(\.line) == [1])
    }

    @Test func lineEndingsAreKept() throws {
        for text in ["[a]\r\nx=1\r\n", "[a]\nx=1", "[a]\r\nx = 1\n\n\r\n", "", "\n", ";only\r\n"] {
            let document = try parse(text)
            #expect(document.text == text)
        }
        let crlf = try parse("[a]\r\nx = 1\r\n")
        #expect(crlf.categories.first?["x"] == "1")
        #expect(crlf.lines.map(\.ending) == ["\r\n", "\r\n"])
    }

    @Test func errorsSayWhereAndWhat() throws {
        let cases: [(String, Int, Int, String)] = [
            ("x = 1\n", 1, 1, "outside any category"),
            ("[ok]\n  [broken\n", 2, 3, "no ']'"),
            ("[ok]\n[name](!,tmpl\n", 2, 7, "no ')'"),
        ]
        for (text, line, column, words) in cases {
            do {
                _ = try parse(text)
                Issue.record("accepted \(text.debugDescription)")
            } catch {
                #expect(error.line == line && error.column == column, "\(error)")
                #expect(error.message.contains(words), "\(error)")
                #expect(error.description.hasPrefix("test.conf:\(line):\(column): "))
            }
        }
        let unknownTemplate = try parse("[a](nosuch)\nx=1\n")
        #expect(throws: ConfigError.self) { _ = try unknownTemplate.resolvedCategories() }
        let unclosed = try parse("[a]\n;-- never closed\nx=1\n")
        #expect(unclosed.warnings.map(\.line) == [2])
        #expect(unclosed.categories.first?.variables.isEmpty == true)
    }

    /// Every sample config of Asterisk parses and is written back byte for byte.
    @Test func everySampleParsesAndRoundTrips() throws {
        guard let samples = ConfigSamples.directory else { return }
        let files = try ConfigSamples.names()
        #expect(files.count > 40)
        for name in files {
            let data = try Data(contentsOf: samples.appendingPathComponent(name))
            // dbsep.conf is read by dbsep.cgi, not by Asterisk: its settings sit outside any category,
            // which Asterisk's loader refuses; the lenient mode keeps them as warnings.
            let parser = ConfigParser(file: name, variablesOutsideCategoriesAreErrors: name != "dbsep.conf")
            do {
                let document = try parser.parse(bytes: data)
                #expect(Data(document.data) == data, "\(name) did not round-trip")
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }

    /// Random damage to valid text never crashes or hangs the parser: it parses or throws.
    @Test func randomMutationsNeverCrash() throws {
        var generator = SystemRandomNumberGenerator()
        let seed = "[general](!)\nx = 1 ; c\n;-- block\n--;\n[a](general,+)\ny => 2\\;3\n#include \"f.conf\"\nexten => 1,n(l),Dial(a,b)\nsame => l+1,X\n"
        let alphabet = Array("[]()!+,;-=>#\\\"<> \t\r\nabc")
        for _ in 0..<3000 {
            var bytes = Array(seed)
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = alphabet.randomElement(using: &generator)!
                case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                default: if bytes.count > 1 { bytes.remove(at: position) }
                }
            }
            let text = String(bytes)
            if var document = try? ConfigParser(file: "fuzz").parse(text) {
                #expect(document.text == text)
                _ = try? document.resolvedCategories()
                _ = try? Dialplan(document)
                if let category = document.categories.first(where: { !$0.header.isAppend }) {
                    // An edit either applies (and reads back) or is refused; it never breaks the text around it.
                    if (try? document.setVariable("exten", to: "1,1,NoOp(x)", in: category.name)) != nil {
                        #expect(document.categories.first { $0.name.caseInsensitiveEquals(category.name) }?["exten"] == "1,1,NoOp(x)", "\(text.debugDescription) → \(document.text.debugDescription)")
                    }
                }
            }
        }
    }
}
