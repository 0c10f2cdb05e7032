import AsteriskConfig

extension ARIClientConfiguration {
    /// A configuration for the ARI user `user` of an ari.conf, reaching the HTTP server http.conf
    /// describes (`bindaddr`/`bindport` and `prefix`, or `tlsbindaddr` with `useTLS`; a wildcard
    /// address means this machine) unless `host` says otherwise.
    /// - Throws: ``ARIError`` `.invalidConfiguration` when ARI or the HTTP server is disabled, the user
    ///   is missing, its password is stored hashed (`password_format = crypt`), or an address is unreadable.
    public init(ariConf: ConfigDocument, httpConf: ConfigDocument, user: String, host: String? = nil, useTLS: Bool = false) throws(ARIError) {
        let ari: [ConfigCategory], http: [ConfigCategory]
        do {
            ari = try ariConf.resolvedCategories()
            http = try httpConf.resolvedCategories()
        } catch {
            throw ARIError(.invalidConfiguration, "\(error)")
        }
        try self.init(ari: ari, ariFile: ariConf.file, http: http, httpFile: httpConf.file, user: user, host: host, useTLS: useTLS)
    }

    /// The same from loaded configurations (with their includes).
    public init(ariConf: LoadedConfig, httpConf: LoadedConfig, user: String, host: String? = nil, useTLS: Bool = false) throws(ARIError) {
        try self.init(ari: ariConf.categories, ariFile: ariConf.file, http: httpConf.categories, httpFile: httpConf.file, user: user, host: host, useTLS: useTLS)
    }

    private init(
        ari: [ConfigCategory], ariFile: String, http: [ConfigCategory], httpFile: String, user: String, host: String?, useTLS: Bool
    ) throws(ARIError) {
        func fail(_ file: String, _ message: String) -> ARIError { ARIError(.invalidConfiguration, "\(file): \(message)") }
        func named(_ name: String, in categories: [ConfigCategory]) -> ConfigCategory? {
            categories.first { $0.name.lowercased() == name.lowercased() }
        }
        do {
            let ariGeneral = named("general", in: ari)
            guard try ariGeneral?.bool("enabled") ?? true else { throw fail(ariFile, "ARI is disabled ([general] enabled = no)") }
            guard let account = named(user, in: ari), account["type"]?.lowercased() == "user" else {
                throw fail(ariFile, "there is no ARI user [\(user)] (a category with type = user)")
            }
            if let format = account["password_format"], format.lowercased() != "plain" {
                throw fail(ariFile, "ARI user [\(user)] stores its password as '\(format)', which cannot be used to log in: give the plain password")
            }
            let password = account["password"] ?? ""
            guard let general = named("general", in: http), try general.bool("enabled") == true else {
                throw fail(httpFile, "the HTTP server is not enabled ([general] enabled = yes)")
            }
            let prefix = general["prefix"].map { $0.isEmpty ? "" : "/" + $0 } ?? ""
            let address: ConfigBindAddress
            let port: Int
            if useTLS {
                guard try general.bool("tlsenable") == true else { throw fail(httpFile, "TLS is not enabled ([general] tlsenable = yes)") }
                guard let parsed = ConfigBindAddress(general["tlsbindaddr"] ?? general["bindaddr"] ?? "") else {
                    throw fail(httpFile, "no usable tlsbindaddr or bindaddr in [general]")
                }
                address = parsed
                port = general["tlsbindaddr"] != nil ? parsed.port ?? 8089 : 8089
            } else {
                guard let parsed = ConfigBindAddress(general["bindaddr"] ?? "") else {
                    throw fail(httpFile, "no usable bindaddr in [general]: Asterisk's HTTP server does not listen without one")
                }
                address = parsed
                port = try parsed.port ?? general.int("bindport", in: 1...65535) ?? 8088
            }
            let hostPart = host.map { $0.contains(":") ? "[\($0)]" : $0 } ?? address.urlHost
            self.init(baseURL: "\(useTLS ? "https" : "http")://\(hostPart):\(port)\(prefix)/ari", credentials: .basic(account.name, password))
        } catch let error as ARIError {
            throw error
        } catch {
            throw ARIError(.invalidConfiguration, "\(error)")
        }
    }
}
