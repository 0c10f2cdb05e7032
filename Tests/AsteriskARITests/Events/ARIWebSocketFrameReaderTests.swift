import NIOCore
import NIOWebSocket
import Testing

@testable import AsteriskARI

/// The bytes of one frame, as a peer writes it: minimal length form unless `lengthForm` says 126 or 127.
func webSocketFrameBytes(
    fin: Bool = true, opcode: UInt8, payload: [UInt8], mask: [UInt8]? = nil, lengthForm: UInt8? = nil, reserved: UInt8 = 0
) -> [UInt8] {
    var out: [UInt8] = [(fin ? 0x80 : 0) | reserved | opcode]
    let maskBit: UInt8 = mask == nil ? 0 : 0x80
    let form = lengthForm ?? (payload.count < 126 ? UInt8(payload.count) : payload.count <= 0xFFFF ? 126 : 127)
    out.append(maskBit | form)
    if form == 126 {
        out += withUnsafeBytes(of: UInt16(payload.count).bigEndian, Array.init)
    } else if form == 127 {
        out += withUnsafeBytes(of: UInt64(payload.count).bigEndian, Array.init)
    }
    if let mask {
        out += mask
        out += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    } else {
        out += payload
    }
    return out
}

/// What a test compares: a frame's flag, opcode and payload bytes.
private struct SeenFrame: Equatable, CustomStringConvertible {
    let fin: Bool
    let opcode: UInt8
    let payload: [UInt8]

    init(fin: Bool = true, opcode: UInt8, payload: [UInt8]) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }

    init(_ frame: ARIWebSocketFrameReader.Frame) {
        self.init(fin: frame.fin, opcode: UInt8(webSocketOpcode: frame.opcode), payload: Array(frame.payload.readableBytesView))
    }

    var description: String { "(\(fin ? "fin" : "more") \(opcode) \(payload.count) bytes)" }
}

/// Feeds `stream` in pieces ending at `cuts` and reads every frame, draining after each piece.
private func frames(of stream: [UInt8], cutAt cuts: [Int], maxFrameSize: Int = 1 << 20) throws(ARIWebSocketFrameReader.Failure) -> [SeenFrame] {
    var reader = ARIWebSocketFrameReader(maxFrameSize: maxFrameSize)
    var seen: [SeenFrame] = []
    var start = 0
    for end in cuts + [stream.count] where end >= start {
        reader.append(ByteBuffer(bytes: stream[start..<end]))
        start = end
        while let frame = try reader.next() { seen.append(SeenFrame(frame)) }
    }
    return seen
}

@Suite("Reading WebSocket frames from bytes")
struct ARIWebSocketFrameReaderTests {
    /// Every kind of frame the events socket can see, and the frames they are.
    private static func sampleStream(large: Int) -> (bytes: [UInt8], frames: [SeenFrame]) {
        let text = Array(#"{"type":"StasisStart"}"#.utf8)
        let medium = [UInt8](repeating: UInt8(ascii: "m"), count: 300)
        let big = (0..<large).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        let parts: [([UInt8], SeenFrame)] = [
            (webSocketFrameBytes(opcode: 0x1, payload: text), SeenFrame(opcode: 0x1, payload: text)),
            (webSocketFrameBytes(opcode: 0x1, payload: medium), SeenFrame(opcode: 0x1, payload: medium)),
            (webSocketFrameBytes(opcode: 0x2, payload: big), SeenFrame(opcode: 0x2, payload: big)),
            (webSocketFrameBytes(fin: false, opcode: 0x1, payload: Array("{\"ty".utf8)), SeenFrame(fin: false, opcode: 0x1, payload: Array("{\"ty".utf8))),
            (webSocketFrameBytes(opcode: 0x9, payload: [1, 2, 3]), SeenFrame(opcode: 0x9, payload: [1, 2, 3])),
            (webSocketFrameBytes(fin: false, opcode: 0x0, payload: []), SeenFrame(fin: false, opcode: 0x0, payload: [])),
            (webSocketFrameBytes(opcode: 0x0, payload: Array("pe\"}".utf8)), SeenFrame(opcode: 0x0, payload: Array("pe\"}".utf8))),
            (webSocketFrameBytes(opcode: 0x1, payload: text, mask: mask), SeenFrame(opcode: 0x1, payload: text)),
            (webSocketFrameBytes(opcode: 0x1, payload: text, lengthForm: 126), SeenFrame(opcode: 0x1, payload: text)),
            (webSocketFrameBytes(opcode: 0x1, payload: text, lengthForm: 127), SeenFrame(opcode: 0x1, payload: text)),
            (webSocketFrameBytes(opcode: 0xA, payload: []), SeenFrame(opcode: 0xA, payload: [])),
            (webSocketFrameBytes(opcode: 0x8, payload: [0x03, 0xE8]), SeenFrame(opcode: 0x8, payload: [0x03, 0xE8])),
        ]
        return (parts.flatMap(\.0), parts.map(\.1))
    }

    @Test func framesCutAtEveryPlaceComeOutWholeAndInOrder() throws {
        let (bytes, expected) = Self.sampleStream(large: 200)
        #expect(try frames(of: bytes, cutAt: []) == expected)
        for cut in 0...bytes.count {
            #expect(try frames(of: bytes, cutAt: [cut]) == expected, "cut at \(cut)")
        }
        for size in [1, 2, 3, 5, 13] {
            #expect(try frames(of: bytes, cutAt: Array(stride(from: size, to: bytes.count, by: size))) == expected, "pieces of \(size)")
        }
    }

    @Test func aFrameOfSixtyFourBitLengthSpreadOverManyReads() throws {
        let (bytes, expected) = Self.sampleStream(large: 70_000)
        for size in [1000, 4096, 65_536] {
            #expect(try frames(of: bytes, cutAt: Array(stride(from: size, to: bytes.count, by: size))) == expected, "pieces of \(size)")
        }
    }

    @Test func aWholeFrameIsASliceOfTheReadNotACopy() throws {
        let frame = webSocketFrameBytes(opcode: 0x1, payload: Array("slice".utf8))
        let read = ByteBuffer(bytes: frame + frame)
        var reader = ARIWebSocketFrameReader(maxFrameSize: 1024)
        reader.append(read)
        let readStart = read.withUnsafeReadableBytes { Int(bitPattern: $0.baseAddress) }
        let first = try #require(try reader.next())
        let second = try #require(try reader.next())
        #expect(first.payload.withUnsafeReadableBytes { Int(bitPattern: $0.baseAddress) } == readStart + 2)
        #expect(second.payload.withUnsafeReadableBytes { Int(bitPattern: $0.baseAddress) } == readStart + frame.count + 2)
        #expect(try reader.next() == nil)
    }

    @Test func aHeaderThatBreaksTheProtocolIsRefusedFromItsFirstBytes() {
        let cases: [([UInt8], ARIWebSocketFrameReader.Failure)] = [
            (webSocketFrameBytes(opcode: 0x1, payload: [1], reserved: 0x40), .reservedBits),
            (webSocketFrameBytes(opcode: 0x1, payload: [1], reserved: 0x10), .reservedBits),
            (webSocketFrameBytes(opcode: 0x9, payload: [1], lengthForm: 126), .invalidControlFrame),
            (webSocketFrameBytes(fin: false, opcode: 0x9, payload: [1]), .invalidControlFrame),
            (webSocketFrameBytes(fin: false, opcode: 0x8, payload: []), .invalidControlFrame),
            (webSocketFrameBytes(opcode: 0x2, payload: [UInt8](repeating: 0, count: 1025)), .frameTooLarge(1025)),
        ] + [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF].map { (webSocketFrameBytes(opcode: $0, payload: []), .reservedOpcode($0)) }
        for (bytes, failure) in cases {
            // Only as much as the check needs: the payload of a refused frame is never waited for.
            let needed = failure == .frameTooLarge(1025) ? 4 : 2
            #expect(throws: failure, "\(bytes.prefix(4))") { try frames(of: Array(bytes.prefix(needed)), cutAt: [], maxFrameSize: 1024) }
        }
        // A 64-bit length that no buffer could hold, announced in the header alone.
        let huge: [UInt8] = [0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1]
        #expect(throws: ARIWebSocketFrameReader.Failure.frameTooLarge(0x8000_0000_0000_0001)) { try frames(of: huge, cutAt: [3]) }
        #expect(ARIWebSocketFrameReader.Failure.frameTooLarge(2).closeCode == .messageTooLarge)
        #expect(ARIWebSocketFrameReader.Failure.reservedBits.closeCode == .protocolError)
    }

    @Test func aLongFrameIsBufferedAsItArrivesNotAsItsHeaderAnnounces() throws {
        // An 8 MB frame (under a 16 MB limit) of which only the header and a few bytes have come.
        let header: [UInt8] = [0x81, 127] + withUnsafeBytes(of: UInt64(8 << 20).bigEndian, Array.init)
        var reader = ARIWebSocketFrameReader(maxFrameSize: 16 << 20)
        reader.append(ByteBuffer(bytes: header + [UInt8](repeating: 0x20, count: 100)))
        #expect(try reader.next() == nil)
        reader.append(ByteBuffer(bytes: [UInt8](repeating: 0x20, count: 1000)))
        #expect(try reader.next() == nil)
        #expect(reader.heldCapacity <= 2 * ARIWebSocketFrameReader.upfrontCapacity)
        // The rest arrives, and the frame is whole.
        var remaining = (8 << 20) - 1100
        while remaining > 0 {
            let piece = min(remaining, 300_000)
            reader.append(ByteBuffer(repeating: 0x20, count: piece))
            remaining -= piece
        }
        #expect(try reader.next()?.payload.readableBytes == 8 << 20)
    }

    @Test func nothingComesOutUntilAFrameIsWhole() throws {
        let bytes = webSocketFrameBytes(opcode: 0x1, payload: Array("abc".utf8), mask: [9, 8, 7, 6])
        var reader = ARIWebSocketFrameReader(maxFrameSize: 64)
        for byte in bytes.dropLast() {
            reader.append(ByteBuffer(bytes: [byte]))
            #expect(try reader.next() == nil)
        }
        reader.append(ByteBuffer(bytes: [bytes.last!]))
        #expect(try reader.next().map(SeenFrame.init) == SeenFrame(opcode: 0x1, payload: Array("abc".utf8)))
        #expect(try reader.next() == nil)
    }

    @Test func anyBytesReadTheSameHoweverTheyAreCut() async {
        // Garbage and near-valid streams, seeded: frames or a failure, the same for every way of cutting
        // the bytes into reads, and never a trap.
        var random = SplitMix(seed: 0xA51)
        for round in 0..<3000 {
            // Long and synchronous: leave the shared threads to the other suites now and then.
            if round % 100 == 0 { await Task.yield() }
            var bytes: [UInt8] = []
            while bytes.count < 40 {
                let length = Int(random.next() % 20)
                let header: [UInt8] = round % 2 == 0
                    ? [UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next())]
                    : [[0x81, 0x82, 0x01, 0x80, 0x89, 0x8A, 0x88][Int(random.next() % 7)], UInt8(length) | (random.next() % 4 == 0 ? 0x80 : 0)]
                bytes += header + (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            let whole = Result { () throws(ARIWebSocketFrameReader.Failure) in try frames(of: bytes, cutAt: [], maxFrameSize: 64) }
            for _ in 0..<4 {
                let cuts = (0..<Int(random.next() % 6)).map { _ in Int(random.next() % UInt64(bytes.count)) }.sorted()
                let cutResult = Result { () throws(ARIWebSocketFrameReader.Failure) in try frames(of: bytes, cutAt: cuts, maxFrameSize: 64) }
                #expect(cutResult == whole, "round \(round), cuts \(cuts), bytes \(bytes)")
            }
        }
    }
}
