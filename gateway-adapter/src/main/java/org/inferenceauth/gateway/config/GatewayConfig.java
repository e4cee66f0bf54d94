package org.inferenceauth.gateway.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.inferenceauth.apikey.format.ApiKeyFormat;
import org.inferenceauth.gateway.net.Cidr;

/**
 * Everything the gateway reads from its environment ({@code GATEWAY_*} variables), validated at
 * start. The table in {@code gateway-adapter/README.md} documents each variable; keep both in step.
 */
public record GatewayConfig(
        String host,
        int port,
        String managementHost,
        int managementPort,
        Optional<ForwardAuthProxy> forwardAuth,
        boolean h2c,
        int eventLoops,
        Optional<NetworkTransport> transport,
        Duration clientIdleTimeout,
        List<Cidr> trustedProxies,
        boolean accessLogEnabled,
        long maxBodyBytes,
        Set<String> extraPaths,
        Upstreams upstreams,
        Keycloak keycloak,
        Jwt jwt,
        KeyCache keyCache,
        AuthProtection authProtection,
        RateLimit rateLimit,
        Usage usage,
        MigrationSettings migration,
        ServiceCredentials serviceCredentials,
        Optional<Tls> tls) {

    /** The inference servers behind the gateway. */
    public record Upstreams(
            List<URI> baseUrls,
            Optional<URI> defaultUpstream,
            Optional<String> apiKey,
            Duration connectTimeout,
            Duration idleTimeout,
            Duration modelsRefreshInterval,
            int maxConnections,
            Duration keepAliveTimeout) {

        @Override
        public String toString() { // never print the upstream key
            return "Upstreams[baseUrls=" + baseUrls + ", defaultUpstream=" + defaultUpstream
                    + ", apiKey=" + (apiKey.isPresent() ? "(set)" : "(none)") + "]";
        }
    }

    /**
     * Where and as whom the gateway talks to Keycloak. {@code issuer} is what tokens say (the public
     * URL); {@code realmUrl} is where this gateway reaches the same realm, e.g. over an internal
     * network, for introspection, the revocation feed and the JWKS.
     */
    public record Keycloak(
            URI issuer,
            URI realmUrl,
            String clientId,
            String clientSecret,
            Duration timeout,
            Duration revocationPollInterval,
            Duration revocationFullRecheckInterval,
            int revocationUrgentRecheckIds,
            Duration retryAfter,
            Optional<Path> caFile) {

        @Override
        public String toString() { // never print the secret
            return "Keycloak[issuer=" + issuer + ", realmUrl=" + realmUrl + ", clientId=" + clientId + ", timeout=" + timeout + "]";
        }

        /** The gateway client's HTTP Basic credentials (RFC 6749 §2.3.1: id and secret form-encoded first). */
        public String basicAuthorization() {
            String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                    + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * The realm's name, from the issuer ({@code …/realms/<name>}), for the {@code realm} of
         * {@code WWW-Authenticate} challenges (Keycloak's own endpoints say the same); the whole
         * issuer if it names no realm.
         */
        public String realmName() {
            String path = issuer.getPath() == null ? "" : issuer.getPath();
            int at = path.lastIndexOf("/realms/");
            if (at < 0) {
                return issuer.toString();
            }
            String name = path.substring(at + "/realms/".length());
            int slash = name.indexOf('/');
            return slash < 0 ? name : name.substring(0, slash);
        }
    }

    /**
     * Local verification of Keycloak access tokens.
     *
     * @param requiredRole realm role ({@code realm_access.roles}) every token must carry; empty = none required
     * @param webUiClients {@code azp} values whose user tokens count as the web UI's channel
     */
    public record Jwt(URI jwksUrl, Set<String> audiences, Set<String> authorizedParties, Duration clockSkew,
                      Optional<String> requiredRole, Set<String> webUiClients) {}

    /** The API-key identity caches: valid identities, and apart from them the keys Keycloak called inactive. */
    public record KeyCache(Duration ttl, Duration negativeTtl, Duration outageGrace, long maxEntries,
                           long negativeMaxEntries, Set<String> allowedPrefixes) {}

    /**
     * What keeps forged keys from becoming Keycloak load: each source (client address) may cause
     * {@code failureBudget} failed introspections, refilled over {@code failureRefill}; at most
     * {@code maxConcurrentIntrospections} run at once and {@code introspectionQueue} more wait.
     */
    public record AuthProtection(long failureBudget, Duration failureRefill, int maxConcurrentIntrospections,
                                 int introspectionQueue) {}

    /**
     * Limits (issue 12, gateway-adapter README "Limits"): Keycloak delivers each caller's; {@code requestsPerMinute} (with
     * {@code burst}) is the person's limit when it delivers none, {@code 0} = none. With a Redis URL
     * the counts are shared by every replica under keys starting with {@code redisKeyPrefix},
     * otherwise each gateway counts on its own. Concurrency slots in Redis are leases of
     * {@code leaseTtl}, renewed by the replica holding them. {@code redisCaFile}: the CAs trusted for a
     * {@code rediss://} Redis in place of the JVM's.
     */
    public record RateLimit(long requestsPerMinute, long burst, Optional<String> redisUrl, Optional<Path> redisCaFile,
                            Duration redisTimeout, String redisKeyPrefix, Duration leaseTtl, boolean redisPrefetch) {

        /** Whether the configured per-person default applies to identities without delivered limits. */
        public boolean defaultsEnabled() {
            return requestsPerMinute > 0;
        }

        @Override
        public String toString() { // a Redis URL may carry a password
            return "RateLimit[rpm=" + requestsPerMinute + ", burst=" + burst + ", shared=" + redisUrl.isPresent()
                    + ", prefix=" + redisKeyPrefix + "]";
        }
    }

    /**
     * Usage accounting (docs/usage-contract.md): batches to Keycloak every {@code flush}, at most
     * {@code maxPending} entries held in memory before batches go to files in {@code spillDir};
     * {@code source} names this gateway instance in its batches; {@code webUiCallers} (client ids
     * or key ids) are the callers whose Open WebUI user headers are believed.
     */
    public record Usage(Duration flush, long maxPending, Path spillDir, String source,
                        Set<String> webUiCallers) {}

    /**
     * Service accounts' client id and secret accepted in place of a token (HTTP Basic or the
     * {@code X-Client-Id}/{@code X-Client-Secret} pair), exchanged at Keycloak for a
     * client-credentials token; a refused pair is refused again without asking for {@code negativeTtl}.
     */
    public record ServiceCredentials(boolean enabled, Duration negativeTtl, long maxEntries) {}

    /**
     * The API port's own certificate and key (PEM files): HTTPS, with HTTP/2 offered by ALPN; read again
     * every {@code reloadInterval}, so a renewal in place needs no restart.
     */
    public record Tls(Path certFile, Path keyFile, Duration reloadInterval) {}

    /**
     * Event loops for the API port when {@code GATEWAY_EVENT_LOOPS} is unset: half the cores, at least one.
     * The gateway shares its host's cores with the kernel's network stack (which does much of a loopback
     * or LAN receive on the sending core) and, on small hosts, with Keycloak or the upstream. On 2 cores a
     * second loop cost 12-14 % more CPU per streamed request (fewer completions per {@code io_uring_enter},
     * wake-ups across cores) and relayed less (bench/README.md); one loop relays about 25,000 requests a second.
     */
    public static int defaultEventLoops(int cores) {
        return Math.max(1, cores / 2);
    }

    /** Reads and validates the configuration; throws {@link ConfigException} listing every problem. */
    public static GatewayConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);

        String host = r.string("GATEWAY_HOST", "0.0.0.0");
        int port = r.port("GATEWAY_PORT", 8000);
        // Metrics carry no authentication: only on loopback unless an operator says otherwise.
        String managementHost = r.string("GATEWAY_MANAGEMENT_HOST", "127.0.0.1");
        int managementPort = r.port("GATEWAY_MANAGEMENT_PORT", 9000);
        if (port != 0 && port == managementPort) {
            r.problem("GATEWAY_PORT and GATEWAY_MANAGEMENT_PORT must differ (both are " + port + ")");
        }
        if (r.bool("GATEWAY_FORWARD_AUTH", false)) {
            r.problem("GATEWAY_FORWARD_AUTH was replaced by GATEWAY_FORWARD_AUTH_PROXY=nginx|traefik|envoy "
                    + "(the proxy in front decides which headers carry the original request)");
        }
        Optional<ForwardAuthProxy> forwardAuth = r.choice("GATEWAY_FORWARD_AUTH_PROXY", ForwardAuthProxy.class, "none");
        boolean h2c = r.bool("GATEWAY_H2C", false);
        long eventLoops = r.positiveLong("GATEWAY_EVENT_LOOPS", defaultEventLoops(Runtime.getRuntime().availableProcessors()));
        if (eventLoops > 256) {
            r.problem("GATEWAY_EVENT_LOOPS must be at most 256, got " + eventLoops);
        }
        Optional<NetworkTransport> transport = r.choice("GATEWAY_TRANSPORT", NetworkTransport.class, "auto");
        List<Cidr> trustedProxies = new ArrayList<>();
        for (String entry : r.list("GATEWAY_TRUSTED_PROXIES")) {
            Cidr.parse(entry).ifPresentOrElse(trustedProxies::add, () -> r.problem(
                    "GATEWAY_TRUSTED_PROXIES entries must be IP addresses or CIDRs such as 10.0.0.0/8, got '" + entry + "'"));
        }
        boolean accessLog = r.bool("GATEWAY_ACCESS_LOG", true);
        long maxBody = r.positiveLong("GATEWAY_MAX_BODY_BYTES", 4L * 1024 * 1024);
        Set<String> extraPaths = new LinkedHashSet<>();
        for (String path : r.list("GATEWAY_EXTRA_PATHS")) {
            if (!path.startsWith("/v1/") || path.contains("..") || path.contains("//") || path.contains("?")) {
                r.problem("GATEWAY_EXTRA_PATHS entries must be plain paths under /v1/ (e.g. /v1/rerank), got '" + path + "'");
            } else {
                extraPaths.add(path);
            }
        }

        Upstreams upstreams = upstreams(r);
        Keycloak keycloak = keycloak(r);
        Jwt jwt = jwt(r, keycloak);
        KeyCache keyCache = keyCache(r);
        AuthProtection authProtection = authProtection(r);
        RateLimit rateLimit = rateLimit(r);
        Usage usage = usage(r);
        MigrationSettings migration = MigrationSettings.read(r, keycloak.issuer());
        ServiceCredentials serviceCredentials = new ServiceCredentials(
                r.bool("GATEWAY_SERVICE_CREDENTIALS", false),
                r.duration("GATEWAY_SERVICE_CREDENTIALS_NEGATIVE_TTL", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1)),
                r.positiveLong("GATEWAY_SERVICE_CREDENTIALS_MAX_ENTRIES", 10_000));
        Optional<Tls> tls = tls(r);
        // A connection waiting for a long prefill is silent too: it must outlast the upstream's own timeout.
        Duration clientIdle = r.duration("GATEWAY_CLIENT_IDLE_TIMEOUT", upstreams.idleTimeout().plusSeconds(30),
                Duration.ofMillis(100), Duration.ofHours(3));
        if (clientIdle.compareTo(upstreams.idleTimeout()) <= 0) {
            r.problem("GATEWAY_CLIENT_IDLE_TIMEOUT must be longer than GATEWAY_UPSTREAM_IDLE_TIMEOUT ("
                    + upstreams.idleTimeout() + "), or streams waiting for a slow upstream are cut");
        }

        if (!r.problems().isEmpty()) {
            throw new ConfigException(r.problems());
        }
        return new GatewayConfig(host, port, managementHost, managementPort, forwardAuth, h2c, (int) Math.min(eventLoops, 256), transport, clientIdle,
                List.copyOf(trustedProxies), accessLog, maxBody, Set.copyOf(extraPaths),
                upstreams, keycloak, jwt, keyCache, authProtection, rateLimit, usage, migration, serviceCredentials, tls);
    }

    private static Optional<Tls> tls(EnvReader r) {
        boolean certSet = r.string("GATEWAY_TLS_CERT_FILE", null) != null;
        boolean keySet = r.string("GATEWAY_TLS_KEY_FILE", null) != null;
        Path cert = r.readableFile("GATEWAY_TLS_CERT_FILE");
        Path key = r.readableFile("GATEWAY_TLS_KEY_FILE");
        if (certSet != keySet) {
            r.problem("GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE go together: set both (PEM files) for HTTPS, or neither");
        }
        Duration reload = r.duration("GATEWAY_TLS_RELOAD_INTERVAL", Duration.ofMinutes(1), Duration.ofMillis(100),
                Duration.ofDays(1));
        return cert != null && key != null ? Optional.of(new Tls(cert, key, reload)) : Optional.empty();
    }

    private static Usage usage(EnvReader r) {
        String source = r.string("GATEWAY_USAGE_SOURCE", defaultSource());
        if (source.length() > 64) {
            r.problem("GATEWAY_USAGE_SOURCE must be 1-64 characters (it names this gateway instance in usage batches), got "
                    + source.length());
        }
        Path spillDir = null;
        try {
            spillDir = Path.of(r.string("GATEWAY_USAGE_SPILL_DIR", "usage-spill")).toAbsolutePath();
        } catch (InvalidPathException e) {
            r.problem("GATEWAY_USAGE_SPILL_DIR must be a directory path, got '" + e.getInput() + "'");
        }
        return new Usage(
                r.duration("GATEWAY_USAGE_FLUSH", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(10)),
                r.positiveLong("GATEWAY_USAGE_MAX_PENDING", 100_000),
                spillDir, source, Set.copyOf(r.list("GATEWAY_WEB_UI_CALLERS")));
    }

    /** The host name (distinct per replica in Kubernetes and compose), clipped to the contract's 64 characters. */
    private static String defaultSource() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "gateway";
        }
        return host.length() > 64 ? host.substring(0, 64) : host;
    }

    private static AuthProtection authProtection(EnvReader r) {
        return new AuthProtection(
                r.positiveLong("GATEWAY_AUTH_FAILURE_BUDGET", 100),
                r.duration("GATEWAY_AUTH_FAILURE_REFILL", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1)),
                (int) Math.min(10_000, r.positiveLong("GATEWAY_KEYCLOAK_MAX_CONCURRENT_INTROSPECTIONS", 16)),
                (int) Math.min(1_000_000, r.nonNegativeLong("GATEWAY_KEYCLOAK_INTROSPECTION_QUEUE", 256)));
    }

    private static Upstreams upstreams(EnvReader r) {
        List<URI> urls = new ArrayList<>();
        String raw = r.required("GATEWAY_UPSTREAMS",
                "comma-separated base URLs of OpenAI-compatible APIs, e.g. http://10.0.0.5:8001/v1");
        if (raw != null) {
            for (String value : r.list("GATEWAY_UPSTREAMS")) {
                URI url = r.httpUrl("GATEWAY_UPSTREAMS", value);
                if (url != null && !urls.contains(url)) {
                    urls.add(url);
                }
            }
        }
        String defaultValue = r.string("GATEWAY_DEFAULT_UPSTREAM", null);
        Optional<URI> defaultUpstream;
        if (defaultValue == null) {
            defaultUpstream = urls.stream().findFirst();
        } else if (defaultValue.equalsIgnoreCase("none")) {
            defaultUpstream = Optional.empty();
        } else {
            URI url = r.httpUrl("GATEWAY_DEFAULT_UPSTREAM", defaultValue);
            if (url != null && !urls.contains(url)) {
                r.problem("GATEWAY_DEFAULT_UPSTREAM must be one of GATEWAY_UPSTREAMS or 'none', got '" + defaultValue + "'");
            }
            defaultUpstream = Optional.ofNullable(url);
        }
        String upstreamKey = r.string("GATEWAY_UPSTREAM_API_KEY", null);
        if (upstreamKey != null && !upstreamKey.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // It goes into every upstream request's Authorization header: refused here, never printed.
            r.problem("GATEWAY_UPSTREAM_API_KEY must be printable ASCII without spaces");
        }
        return new Upstreams(List.copyOf(urls), defaultUpstream, Optional.ofNullable(upstreamKey),
                r.duration("GATEWAY_UPSTREAM_CONNECT_TIMEOUT", Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMinutes(5)),
                r.duration("GATEWAY_UPSTREAM_IDLE_TIMEOUT", Duration.ofMinutes(5), Duration.ofMillis(10), Duration.ofHours(2)),
                r.duration("GATEWAY_MODELS_REFRESH_INTERVAL", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(24)),
                (int) Math.min(Integer.MAX_VALUE, r.positiveLong("GATEWAY_UPSTREAM_MAX_CONNECTIONS", 1000)),
                r.duration("GATEWAY_UPSTREAM_KEEP_ALIVE", Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofHours(1)));
    }

    private static Keycloak keycloak(EnvReader r) {
        String issuerValue = r.required("GATEWAY_KEYCLOAK_ISSUER",
                "the realm's issuer URL, e.g. https://sso.example.edu/realms/inference");
        URI issuer = issuerValue == null ? null : r.httpUrl("GATEWAY_KEYCLOAK_ISSUER", issuerValue);
        String realmUrlValue = r.string("GATEWAY_KEYCLOAK_REALM_URL", null);
        URI realmUrl = realmUrlValue == null ? issuer : r.httpUrl("GATEWAY_KEYCLOAK_REALM_URL", realmUrlValue);
        String clientId = r.string("GATEWAY_KEYCLOAK_CLIENT_ID", "inference-gateway");
        String secret = r.required("GATEWAY_KEYCLOAK_CLIENT_SECRET",
                "the secret of the gateway's confidential client in Keycloak");
        return new Keycloak(issuer, realmUrl, clientId, secret,
                r.duration("GATEWAY_KEYCLOAK_TIMEOUT", Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMinutes(1)),
                r.duration("GATEWAY_REVOCATION_POLL_INTERVAL", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(1)),
                // The feed evicts within a poll interval; this slow sweep only catches what no feed entry named.
                r.duration("GATEWAY_REVOCATION_FULL_RECHECK_INTERVAL", Duration.ofMinutes(5), Duration.ofMillis(100), Duration.ofHours(24)),
                (int) Math.min(1_000_000, r.positiveLong("GATEWAY_REVOCATION_URGENT_RECHECK_IDS", 10_000)),
                r.duration("GATEWAY_RETRY_AFTER", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                Optional.ofNullable(r.certificateBundle("GATEWAY_KEYCLOAK_CA_FILE")));
    }

    private static Jwt jwt(EnvReader r, Keycloak keycloak) {
        String jwksValue = r.string("GATEWAY_JWKS_URL", null);
        URI jwks = jwksValue != null ? r.httpUrl("GATEWAY_JWKS_URL", jwksValue)
                : keycloak.realmUrl() == null ? null : URI.create(keycloak.realmUrl() + "/protocol/openid-connect/certs");
        // "*" accepts any audience (then restrict with GATEWAY_JWT_AUTHORIZED_PARTIES instead).
        List<String> audiences = r.list("GATEWAY_JWT_AUDIENCES");
        if (audiences.isEmpty()) {
            audiences = List.of("inference-gateway");
        } else if (audiences.contains("*")) {
            audiences = List.of();
        }
        // The realm's role for the inference API; "none" for a realm that does not gate by role.
        String role = r.string("GATEWAY_REQUIRED_ROLE", "inference-user");
        List<String> webUiClients = r.list("GATEWAY_WEB_UI_CLIENTS");
        return new Jwt(jwks, Set.copyOf(audiences),
                Set.copyOf(r.list("GATEWAY_JWT_AUTHORIZED_PARTIES")),
                r.duration("GATEWAY_JWT_CLOCK_SKEW", Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(10)),
                role.equalsIgnoreCase("none") ? Optional.empty() : Optional.of(role),
                Set.copyOf(webUiClients.isEmpty() ? List.of("open-webui") : webUiClients));
    }

    private static RateLimit rateLimit(EnvReader r) {
        long rpm = r.nonNegativeLong("GATEWAY_RATE_LIMIT_RPM", 0);
        long burst = r.positiveLong("GATEWAY_RATE_LIMIT_BURST", Math.max(1, rpm));
        String redis = r.string("GATEWAY_REDIS_URL", null);
        if (redis != null && !redis.startsWith("redis://") && !redis.startsWith("rediss://")) {
            r.problem("GATEWAY_REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379");
        }
        Path caFile = r.certificateBundle("GATEWAY_REDIS_CA_FILE");
        // Without TLS the bundle would be ignored: an operator who set it expects a verified connection.
        if (r.string("GATEWAY_REDIS_CA_FILE", null) != null && (redis == null || !redis.startsWith("rediss://"))) {
            r.problem("GATEWAY_REDIS_CA_FILE is for Redis over TLS: GATEWAY_REDIS_URL must then be a rediss:// URL, "
                    + "e.g. rediss://redis.internal:6380");
        }
        String prefix = r.string("GATEWAY_REDIS_KEY_PREFIX", "inference-gateway:limits:");
        if (prefix.isEmpty() || prefix.length() > 100 || prefix.chars().anyMatch(c -> c <= ' ' || c == 0x7F)) {
            r.problem("GATEWAY_REDIS_KEY_PREFIX must be 1-100 visible characters, e.g. inference-gateway:limits:");
        }
        return new RateLimit(rpm, burst, Optional.ofNullable(redis), Optional.ofNullable(caFile),
                r.duration("GATEWAY_REDIS_TIMEOUT", Duration.ofMillis(500), Duration.ofMillis(10), Duration.ofSeconds(30)),
                prefix,
                r.duration("GATEWAY_LIMITS_LEASE_TTL", Duration.ofSeconds(30), Duration.ofMillis(300), Duration.ofMinutes(10)),
                r.bool("GATEWAY_REDIS_PREFETCH", true));
    }

    private static KeyCache keyCache(EnvReader r) {
        Duration ttl = r.duration("GATEWAY_KEY_CACHE_TTL", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(24));
        Duration negative = r.duration("GATEWAY_KEY_NEGATIVE_TTL", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofHours(1));
        Duration grace = r.duration("GATEWAY_OUTAGE_GRACE", Duration.ofMinutes(15), Duration.ZERO, Duration.ofDays(1));
        long max = r.positiveLong("GATEWAY_KEY_CACHE_MAX_ENTRIES", 100_000);
        long negativeMax = r.positiveLong("GATEWAY_KEY_NEGATIVE_CACHE_MAX_ENTRIES", 100_000);
        List<String> prefixes = r.list("GATEWAY_API_KEY_PREFIXES");
        if (prefixes.isEmpty()) {
            prefixes = List.of(ApiKeyFormat.DEFAULT_PREFIX);
        }
        for (String prefix : prefixes) {
            if (!ApiKeyFormat.isValidPrefix(prefix)) {
                r.problem("GATEWAY_API_KEY_PREFIXES entries must be 2-10 lower-case letters/digits starting with a letter, got '"
                        + prefix + "'");
            }
        }
        return new KeyCache(ttl, negative, grace, max, negativeMax, Set.copyOf(prefixes));
    }
}
