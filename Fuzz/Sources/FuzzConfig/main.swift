import FuzzDriver
import AsteriskConfig

/// Parses the input as a .conf file; what parses must write back byte for byte, resolve its
/// templates or fail with a typed error, read as a dialplan, and take an edit that reads back.
func fuzzConfig(_ bytes: UnsafeRawBufferPointer) {
    guard var document = try? ConfigParser(file: "fuzz.conf").parse(bytes: bytes) else { return }
    precondition(document.data.elementsEqual(bytes), "an unedited document must write back byte for byte")
    _ = try? document.resolvedCategories()
    _ = try? Dialplan(document)
    if let first = document.categories.first {
        if (try? document.setVariable("fuzzkey", to: "fuzz value", in: first.name)) != nil {
            let reread = try? ConfigParser(file: "fuzz.conf").parse(bytes: document.data)
            precondition(reread != nil, "an edited document must parse again")
        }
    }
}

runFuzzer(fuzzConfig)
