/// A value the generated decoders read straight from JSON bytes with an ``ARIJSONReader``.
protocol ARIJSONReadable {
    /// Reads one value; a `null` is an error (optional members are read with ``ARIJSONReader/readOptional(_:)``).
    init(reading reader: inout ARIJSONReader) throws(ARIJSONReader.Failure)
}

extension String: ARIJSONReadable {
    init(reading reader: inout ARIJSONReader) throws(ARIJSONReader.Failure) { self = try reader.readString() }
}

extension Int: ARIJSONReadable {
    init(reading reader: inout ARIJSONReader) throws(ARIJSONReader.Failure) { self = try reader.readInt() }
}

extension Double: ARIJSONReadable {
    init(reading reader: inout ARIJSONReader) throws(ARIJSONReader.Failure) { self = try reader.readDouble() }
}

extension Bool: ARIJSONReadable {
    init(reading reader: inout ARIJSONReader) throws(ARIJSONReader.Failure) { self = try reader.readBool() }
}

extension ARIJSON: ARIJSONReadable {
    init(reading reader: inout ARIJSONReader) throws(ARIJSONReader.Failure) { self = try reader.readJSON() }
}

extension Array: ARIJSONReadable where Element: ARIJSONReadable {
    init(reading reader: inout ARIJSONReader) throws(ARIJSONReader.Failure) {
        self = try reader.readArray { (element: inout ARIJSONReader) throws(ARIJSONReader.Failure) in try Element(reading: &element) }
    }
}

extension ARIJSONReader {
    /// A member value that may be `null` (or absent, which the caller sees as never set).
    mutating func readOptional<T: ARIJSONReadable>(_ type: T.Type) throws(Failure) -> T? {
        if readNull() { return nil }
        return try T(reading: &self)
    }

    /// A required member that was not in the object.
    func missing(_ key: String) -> Failure {
        Failure(offset: index, message: "the required member '\(key)' is missing")
    }

    /// Reads a whole message as `T`, nothing but whitespace after it.
    static func read<T: ARIJSONReadable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws(Failure) -> T {
        var reader = ARIJSONReader(bytes)
        let value = try T(reading: &reader)
        try reader.finish()
        return value
    }
}
