import AsteriskIVR

extension AGIChannel: IVRCallPort {
    /// Plays an IVR prompt with the matching AGI command (`STREAM FILE`, `SAY DIGITS`, `SAY NUMBER`,
    /// `SAY DATE`, or `WAIT FOR DIGIT` for silence); returns the key that interrupted it.
    public func play(_ prompt: IVRPrompt, interruptKeys: String) async throws -> Character? {
        switch prompt {
        case .sound(let file): return try await streamFile(file, escapeDigits: interruptKeys).keyPress.digit
        case .digits(let digits): return try await sayDigits(digits, escapeDigits: interruptKeys).digit
        case .number(let number): return try await sayNumber(number, escapeDigits: interruptKeys).digit
        case .date(let time): return try await sayDate(time, escapeDigits: interruptKeys).digit
        case .silence(let length):
            guard !interruptKeys.isEmpty else {
                try await Task.sleep(for: length)
                return nil
            }
            let key = try await waitForDigit(timeout: length).digit
            return key.flatMap { interruptKeys.contains($0) ? $0 : nil }
        }
    }

    /// `WAIT FOR DIGIT` for up to `timeout`.
    public func waitForKey(timeout: Duration) async throws -> Character? {
        try await waitForDigit(timeout: timeout).digit
    }
}
