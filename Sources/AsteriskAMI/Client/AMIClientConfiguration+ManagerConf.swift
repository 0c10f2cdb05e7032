import AsteriskConfig
import NIOSSL

extension AMIClientConfiguration {
    /// A configuration for the manager user `user` of a manager.conf, connecting where its `[general]`
    /// section listens (`bindaddr` and `port`, or `tlsbindaddr` with `useTLS`; a wildcard address means
    /// this machine) unless `host` says otherwise.
    /// - Throws: ``AMIError`` `.invalidConfiguration` when the manager is disabled, the user is
    ///   missing or has no secret, or the address cannot be read.
    public init(managerConf: ConfigDocument, user: String, host: String? = nil, useTLS: Bool = false, md5: Bool = false) throws(AMIError) {
        let categories: [ConfigCategory]
        do {
            categories = try managerConf.resolvedCategories()
        } catch {
            throw AMIError(.invalidConfiguration, "\(error)")
        }
        try self.init(managerCategories: categories, file: managerConf.file, user: user, host: host, useTLS: useTLS, md5: md5)
    }

    /// A configuration for the manager user `user` of a loaded manager.conf (with its includes).
    public init(managerConf: LoadedConfig, user: String, host: String? = nil, useTLS: Bool = false, md5: Bool = false) throws(AMIError) {
        try self.init(managerCategories: managerConf.categories, file: managerConf.file, user: user, host: host, useTLS: useTLS, md5: md5)
    }

    private init(managerCategories categories: [ConfigCategory], file: String, user: String, host: String?, useTLS: Bool, md5: Bool) throws(AMIError) {
        func fail(_ message: String) -> AMIError { AMIError(.invalidConfiguration, "\(file): \(message)") }
        let general = categories.first { $0.name.lowercased() == "general" }
        do {
            guard try general?.bool("enabled") == true else {
                throw fail("the manager is not enabled ([general] enabled = yes)")
            }
            guard let account = categories.first(where: { $0.name.lowercased() == user.lowercased() && $0.name.lowercased() != "general" }) else {
                throw fail("there is no manager user [\(user)]")
            }
            guard let secret = account["secret"], !secret.isEmpty else {
                throw fail("manager user [\(user)] has no secret")
            }
            var address: ConfigBindAddress
            var port: Int
            if useTLS {
                guard try general?.bool("tlsenable") == true else { throw fail("TLS is not enabled ([general] tlsenable = yes)") }
                address = try Self.address(general?["tlsbindaddr"] ?? general?["bindaddr"] ?? "0.0.0.0", fail)
                let plainPort = try general?.int("port", in: 1...65535) ?? 5038
                port = address.port ?? 5039
                if port == plainPort { port = 5039 }
            } else {
                address = try Self.address(general?["bindaddr"] ?? "0.0.0.0", fail)
                port = try general?.int("port", in: 1...65535) ?? 5038
            }
            self.init(host: host ?? address.connectableHost, port: port, username: user, secret: md5 ? .md5(secret) : .plain(secret))
            if useTLS { tls = .makeClientConfiguration() }
        } catch let error as AMIError {
            throw error
        } catch {
            throw AMIError(.invalidConfiguration, "\(error)")
        }
    }

    private static func address(_ text: String, _ fail: (String) -> AMIError) throws(AMIError) -> ConfigBindAddress {
        guard let address = ConfigBindAddress(text) else { throw fail("'\(text)' is not an address to connect to") }
        return address
    }
}
