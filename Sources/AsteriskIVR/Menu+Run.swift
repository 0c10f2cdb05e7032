extension Menu {
    /// Runs the menu on a call: plays prompts, takes keys, descends into sub-menus and comes back,
    /// re-prompts after a wrong key or silence, and ends with a choice, an exit, or giving up.
    /// - Throws: what the port throws (a hang-up, a lost connection).
    public func run(on call: some IVRCallPort) async throws -> IVRResult {
        var stack: [Menu] = [self]
        var path: [Character] = []
        var failures = 0
        while let menu = stack.last {
            let keys = String(menu.options.keys.sorted())
            var key = try await Self.play(menu.prompts, on: call, keys: keys)
            if key == nil { key = try await call.waitForKey(timeout: menu.timeout) }
            guard let key else {
                failures += 1
                if failures >= menu.maximumAttempts { return IVRResult(outcome: .gaveUp, path: path) }
                _ = try await Self.play(menu.timeoutPrompts, on: call, keys: "")
                continue
            }
            guard let option = menu.options[key] else {
                failures += 1
                if failures >= menu.maximumAttempts { return IVRResult(outcome: .gaveUp, path: path) }
                _ = try await Self.play(menu.invalidPrompts, on: call, keys: "")
                continue
            }
            path.append(key)
            failures = 0
            switch option {
            case .choose(let choice):
                return IVRResult(outcome: .chosen(choice, input: nil), path: path)
            case .exit:
                return IVRResult(outcome: .exited, path: path)
            case .back:
                if stack.count > 1 { stack.removeLast() }
            case .submenu(let next):
                stack.append(next)
            case .collect(let choice, let spec):
                guard let digits = try await collect(spec, on: call, invalidPrompts: menu.invalidPrompts) else {
                    return IVRResult(outcome: .gaveUp, path: path)
                }
                return IVRResult(outcome: .chosen(choice, input: digits), path: path)
            }
        }
        return IVRResult(outcome: .exited, path: path)
    }

    /// Collects digits per `spec`, retrying up to ``maximumAttempts`` times; nil when it never got enough.
    private func collect(_ spec: CollectDigits, on call: some IVRCallPort, invalidPrompts: [IVRPrompt]) async throws -> String? {
        let digitKeys = "0123456789*#"
        for _ in 0..<maximumAttempts {
            var digits = ""
            var key = try await Self.play(spec.prompts, on: call, keys: digitKeys)
            while digits.count < spec.maximumLength {
                if key == nil { key = try await call.waitForKey(timeout: spec.timeout) }
                guard let pressed = key else { break }
                key = nil
                if pressed == spec.terminator { break }
                digits.append(pressed)
            }
            if digits.count >= spec.minimumLength { return digits }
            _ = try await Self.play(invalidPrompts, on: call, keys: "")
        }
        return nil
    }

    /// Plays prompts in order; the first key among `keys` stops them and is returned.
    private static func play(_ prompts: [IVRPrompt], on call: some IVRCallPort, keys: String) async throws -> Character? {
        for prompt in prompts {
            if let key = try await call.play(prompt, interruptKeys: keys) { return key }
        }
        return nil
    }
}
