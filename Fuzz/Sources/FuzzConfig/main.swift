import CLibFuzzer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AsteriskConfig

/// Parses the input as a .conf file; what parses must write back byte for byte, resolve its
/// templates or fail with a typed error, read as a dialplan, and take an edit that reads back.
func fuzzConfig(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard var document = try? ConfigParser(file: "fuzz.conf").parse(bytes: bytes) else { return 0 }
    precondition(document.data.elementsEqual(bytes), "an unedited document must write back byte for byte")
    _ = try? document.resolvedCategories()
    _ = try? Dialplan(document)
    if let first = document.categories.first {
        if (try? document.setVariable("fuzzkey", to: "fuzz value", in: first.name)) != nil {
            let reread = try? ConfigParser(file: "fuzz.conf").parse(bytes: document.data)
            precondition(reread != nil, "an edited document must parse again")
        }
    }
    return 0
}

// libFuzzer runs the target: the command line is libFuzzer's (a corpus directory, -max_total_time=…).
var arguments = CommandLine.argc
var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &vector) { data, size in
    guard let data else { return 0 }
    return fuzzConfig(UnsafeRawPointer(data), size)
})
