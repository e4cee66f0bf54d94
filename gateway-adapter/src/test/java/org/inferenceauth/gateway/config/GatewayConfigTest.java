package org.inferenceauth.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.inferenceauth.gateway.testing.TestCa;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Gateway configuration from the environment")
class GatewayConfigTest {

    static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_UPSTREAMS", "http://10.0.0.5:8001/v1/, http://10.0.0.6:8002/llama/v1");
        env.put("GATEWAY_KEYCLOAK_ISSUER", "https://sso.example.edu/realms/inference");
        env.put("GATEWAY_KEYCLOAK_CLIENT_SECRET", "s3cret");
        return env;
    }

    @Test
    @DisplayName("three variables are enough; the rest has documented defaults")
    void defaults() {
        GatewayConfig config = GatewayConfig.fromEnv(minimal());

        assertThat(config.port()).isEqualTo(8000);
        assertThat(config.managementPort()).isEqualTo(9000);
        assertThat(config.upstreams().baseUrls()).containsExactly(
                URI.create("http://10.0.0.5:8001/v1"), URI.create("http://10.0.0.6:8002/llama/v1"));
        assertThat(config.upstreams().defaultUpstream()).hasValue(URI.create("http://10.0.0.5:8001/v1"));
        assertThat(config.jwt().jwksUrl()).hasToString("https://sso.example.edu/realms/inference/protocol/openid-connect/certs");
        assertThat(config.jwt().audiences()).containsExactly("inference-gateway");
        assertThat(config.jwt().requiredRole()).hasValue("inference-user");
        assertThat(config.jwt().webUiClients()).containsExactly("open-webui");
        assertThat(config.keycloak().clientId()).isEqualTo("inference-gateway");
        assertThat(config.keycloak().revocationPollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.keycloak().revocationFullRecheckInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.keycloak().revocationUrgentRecheckIds()).isEqualTo(10_000);
        assertThat(config.keyCache().allowedPrefixes()).containsExactly("ik");
        assertThat(config.keycloak().toString()).doesNotContain("s3cret");
        assertThat(GatewayConfig.fromEnv(withUpstreamKey()).toString()).doesNotContain("upstream-s3cret");
        assertThat(config.keycloak().realmUrl()).isEqualTo(config.keycloak().issuer());
        assertThat(config.rateLimit().defaultsEnabled()).isFalse();
    }

    @Test
    @DisplayName("behind a proxy, Keycloak is reached on an internal realm URL while tokens keep the public issuer")
    void internalRealmUrl() {
        Map<String, String> env = minimal();
        env.put("GATEWAY_KEYCLOAK_REALM_URL", "http://keycloak:8080/realms/inference");

        GatewayConfig config = GatewayConfig.fromEnv(env);

        assertThat(config.keycloak().issuer()).hasToString("https://sso.example.edu/realms/inference");
        assertThat(config.keycloak().realmUrl()).hasToString("http://keycloak:8080/realms/inference");
        assertThat(config.jwt().jwksUrl()).hasToString("http://keycloak:8080/realms/inference/protocol/openid-connect/certs");
    }

    @ParameterizedTest(name = "{0} -> realm {1}")
    @CsvSource({"https://sso.example.edu/realms/inference, inference", "https://sso.example.edu/auth/realms/physics/, physics",
            "https://sso.example.edu/realms/m%C3%A9decine, médecine", "https://login.example.org/tenant, https://login.example.org/tenant"})
    @DisplayName("the realm of the gateway's WWW-Authenticate challenges is the issuer's realm name (the issuer itself if it names none)")
    void realmName(String issuer, String realm) {
        Map<String, String> env = minimal();
        env.put("GATEWAY_KEYCLOAK_ISSUER", issuer);

        assertThat(GatewayConfig.fromEnv(env).keycloak().realmName()).isEqualTo(realm);
    }

    @Test
    @DisplayName("rate limits: burst defaults to the per-minute rate, Redis limits are decided in the replica unless turned off; bad values and URLs are named")
    void rateLimits() {
        Map<String, String> env = minimal();
        env.put("GATEWAY_RATE_LIMIT_RPM", "120");
        GatewayConfig config = GatewayConfig.fromEnv(env);
        assertThat(config.rateLimit().defaultsEnabled()).isTrue();
        assertThat(config.rateLimit().burst()).isEqualTo(120);
        assertThat(config.rateLimit().redisUrl()).isEmpty();
        assertThat(config.rateLimit().redisKeyPrefix()).isEqualTo("inference-gateway:limits:");
        assertThat(config.rateLimit().leaseTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.rateLimit().redisPrefetch()).isTrue();
        env.put("GATEWAY_REDIS_PREFETCH", "false");
        assertThat(GatewayConfig.fromEnv(env).rateLimit().redisPrefetch()).isFalse();

        env.put("GATEWAY_REDIS_PREFETCH", "sometimes");
        env.put("GATEWAY_REDIS_KEY_PREFIX", "site a:");
        env.put("GATEWAY_RATE_LIMIT_RPM", "-1");
        env.put("GATEWAY_REDIS_URL", "http://cache:6379");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env))
                .hasMessageContaining("GATEWAY_RATE_LIMIT_RPM").hasMessageContaining("GATEWAY_REDIS_URL")
                .hasMessageContaining("GATEWAY_REDIS_KEY_PREFIX").hasMessageContaining("GATEWAY_REDIS_PREFETCH");
    }

    @Test
    @DisplayName("the Redis CA file: a PEM bundle, for rediss:// only (with redis:// it would be ignored); problems are named")
    void redisCaFile() throws Exception {
        Map<String, String> env = minimal();
        assertThat(GatewayConfig.fromEnv(env).rateLimit().redisCaFile()).isEmpty();
        java.nio.file.Path ca = TestCa.create().caFile();
        env.put("GATEWAY_REDIS_URL", "rediss://redis.internal:6380");
        env.put("GATEWAY_REDIS_CA_FILE", ca.toString());
        assertThat(GatewayConfig.fromEnv(env).rateLimit().redisCaFile()).hasValue(ca.toAbsolutePath());

        env.put("GATEWAY_REDIS_CA_FILE", "/nonexistent/redis-ca.pem");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env))
                .hasMessageContaining("GATEWAY_REDIS_CA_FILE must name a readable file, got '/nonexistent/redis-ca.pem'");
        java.nio.file.Path notPem = java.nio.file.Files.writeString(java.nio.file.Files.createTempFile("redis-ca", ".pem"),
                "not a certificate\n");
        env.put("GATEWAY_REDIS_CA_FILE", notPem.toString());
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env))
                .hasMessageContaining("GATEWAY_REDIS_CA_FILE must be a PEM file of CA certificates");

        env.put("GATEWAY_REDIS_CA_FILE", ca.toString());
        env.put("GATEWAY_REDIS_URL", "redis://redis.internal:6379");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("GATEWAY_REDIS_CA_FILE is for Redis over TLS: GATEWAY_REDIS_URL must then be a rediss:// URL");
        env.remove("GATEWAY_REDIS_URL");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env))
                .hasMessageContaining("GATEWAY_REDIS_CA_FILE is for Redis over TLS");
    }

    @Test
    @DisplayName("usage: 5 s flushes, 100,000 pending entries, a spill directory, the host as source; bad values are named")
    void usage() {
        Map<String, String> env = minimal();
        GatewayConfig.Usage defaults = GatewayConfig.fromEnv(env).usage();
        assertThat(defaults.flush()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.maxPending()).isEqualTo(100_000);
        assertThat(defaults.spillDir().isAbsolute()).isTrue();
        assertThat(defaults.spillDir().getFileName()).hasToString("usage-spill");
        assertThat(defaults.source()).isNotBlank().hasSizeLessThanOrEqualTo(64);
        assertThat(defaults.webUiCallers()).isEmpty();

        env.put("GATEWAY_WEB_UI_CALLERS", "AbCdEfGhIjKl, open-webui");
        assertThat(GatewayConfig.fromEnv(env).usage().webUiCallers()).containsExactlyInAnyOrder("AbCdEfGhIjKl", "open-webui");
        env.put("GATEWAY_USAGE_FLUSH", "50ms");
        env.put("GATEWAY_USAGE_MAX_PENDING", "0");
        env.put("GATEWAY_USAGE_SOURCE", "x".repeat(65));
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env)).hasMessageContaining("GATEWAY_USAGE_FLUSH")
                .hasMessageContaining("GATEWAY_USAGE_MAX_PENDING").hasMessageContaining("GATEWAY_USAGE_SOURCE");
    }

    @Test
    @DisplayName("durations, lists and 'none' are parsed")
    void parsing() {
        Map<String, String> env = minimal();
        env.put("GATEWAY_KEY_CACHE_TTL", "5m");
        env.put("GATEWAY_REVOCATION_POLL_INTERVAL", "500ms");
        env.put("GATEWAY_REVOCATION_FULL_RECHECK_INTERVAL", "2m");
        env.put("GATEWAY_REVOCATION_URGENT_RECHECK_IDS", "2000");
        env.put("GATEWAY_DEFAULT_UPSTREAM", "none");
        env.put("GATEWAY_EXTRA_PATHS", "/v1/responses, /v1/rerank");
        env.put("GATEWAY_JWT_AUDIENCES", "*");

        GatewayConfig config = GatewayConfig.fromEnv(env);

        assertThat(config.keyCache().ttl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.keycloak().revocationPollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.keycloak().revocationFullRecheckInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.keycloak().revocationUrgentRecheckIds()).isEqualTo(2000);
        assertThat(config.upstreams().defaultUpstream()).isEmpty();
        assertThat(config.extraPaths()).isEqualTo(Set.of("/v1/responses", "/v1/rerank"));
        assertThat(config.jwt().audiences()).isEmpty();
    }

    @Test
    @DisplayName("JWT rules: the required realm role (or none) and the web-UI clients are configurable")
    void jwtRoleAndWebUi() {
        Map<String, String> env = minimal();
        env.put("GATEWAY_REQUIRED_ROLE", "campus-users");
        env.put("GATEWAY_WEB_UI_CLIENTS", "open-webui, chat-portal");
        GatewayConfig config = GatewayConfig.fromEnv(env);
        assertThat(config.jwt().requiredRole()).hasValue("campus-users");
        assertThat(config.jwt().webUiClients()).containsExactlyInAnyOrder("open-webui", "chat-portal");

        env.put("GATEWAY_REQUIRED_ROLE", "none");
        assertThat(GatewayConfig.fromEnv(env).jwt().requiredRole()).isEmpty();
    }

    @Test
    @DisplayName("every problem is reported at once, by variable name")
    void allProblems() {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_PORT", "99999");
        env.put("GATEWAY_REVOCATION_POLL_INTERVAL", "5s");
        env.put("GATEWAY_UPSTREAMS", "ftp://nope");
        env.put("GATEWAY_EXTRA_PATHS", "/metrics");
        env.put("GATEWAY_ACCESS_LOG", "maybe");

        assertThatThrownBy(() -> GatewayConfig.fromEnv(env))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(7))
                .hasMessageContaining("GATEWAY_PORT")
                .hasMessageContaining("GATEWAY_REVOCATION_POLL_INTERVAL")
                .hasMessageContaining("GATEWAY_UPSTREAMS")
                .hasMessageContaining("GATEWAY_EXTRA_PATHS")
                .hasMessageContaining("GATEWAY_ACCESS_LOG")
                .hasMessageContaining("GATEWAY_KEYCLOAK_ISSUER is required")
                .hasMessageContaining("GATEWAY_KEYCLOAK_CLIENT_SECRET is required");
    }

    @Test
    @DisplayName("a default upstream must be one of the upstreams")
    void defaultUpstreamMustBeListed() {
        Map<String, String> env = minimal();
        env.put("GATEWAY_DEFAULT_UPSTREAM", "http://elsewhere:1/v1");

        assertThatThrownBy(() -> GatewayConfig.fromEnv(env)).hasMessageContaining("GATEWAY_DEFAULT_UPSTREAM");
    }

    static Map<String, String> withUpstreamKey() {
        Map<String, String> env = minimal();
        env.put("GATEWAY_UPSTREAM_API_KEY", "upstream-s3cret");
        return env;
    }

    @Test
    @DisplayName("an upstream key that could not be a header value (a line break, a space) is refused, and not printed")
    void upstreamKeyMustBeAHeaderToken() {
        for (String key : new String[] {"s3cret\r\nX-Injected: 1", "s3cret key", "s3cret\u00e9"}) {
            Map<String, String> env = minimal();
            env.put("GATEWAY_UPSTREAM_API_KEY", key);

            assertThatThrownBy(() -> GatewayConfig.fromEnv(env))
                    .hasMessageContaining("GATEWAY_UPSTREAM_API_KEY").hasMessageNotContaining("s3cret");
        }
        assertThat(GatewayConfig.fromEnv(withUpstreamKey()).upstreams().apiKey()).contains("upstream-s3cret");
    }

    @Test
    @DisplayName("a URL carrying credentials is refused, and the refusal does not print them")
    void urlsWithCredentials() {
        Map<String, String> env = minimal();
        env.put("GATEWAY_UPSTREAMS", "http://vllm:hunter2@10.0.0.5:8001/v1");
        env.put("GATEWAY_KEYCLOAK_REALM_URL", "http://gw:t0ps3cret@keycloak:8080/realms/inference");

        assertThatThrownBy(() -> GatewayConfig.fromEnv(env))
                .hasMessageContaining("GATEWAY_UPSTREAMS").hasMessageContaining("GATEWAY_KEYCLOAK_REALM_URL")
                .hasMessageContaining("GATEWAY_UPSTREAM_API_KEY")
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("t0ps3cret");
    }

    @Test
    @DisplayName("safe listeners by default: management on loopback, no /auth, no h2c, clients idle longer than upstreams")
    void listenerDefaults() {
        GatewayConfig config = GatewayConfig.fromEnv(minimal());

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.managementHost()).isEqualTo("127.0.0.1");
        assertThat(config.forwardAuth()).isEmpty();
        assertThat(config.h2c()).isFalse();
        assertThat(config.clientIdleTimeout()).isGreaterThan(config.upstreams().idleTimeout());
        assertThat(config.trustedProxies()).isEmpty();
    }

    @Test
    @DisplayName("event loops: half the cores by default, at least one; GATEWAY_EVENT_LOOPS sets them")
    void eventLoops() {
        assertThat(GatewayConfig.defaultEventLoops(1)).isEqualTo(1);
        assertThat(GatewayConfig.defaultEventLoops(2)).isEqualTo(1);
        assertThat(GatewayConfig.defaultEventLoops(3)).isEqualTo(1);
        assertThat(GatewayConfig.defaultEventLoops(16)).isEqualTo(8);
        assertThat(GatewayConfig.fromEnv(minimal()).eventLoops())
                .isEqualTo(GatewayConfig.defaultEventLoops(Runtime.getRuntime().availableProcessors()));
        Map<String, String> four = new HashMap<>(minimal());
        four.put("GATEWAY_EVENT_LOOPS", "4");
        assertThat(GatewayConfig.fromEnv(four).eventLoops()).isEqualTo(4);
    }

    @Test
    @DisplayName("forward-auth names its proxy; trusted proxies are CIDRs; a client idle timeout must outlast the upstream's")
    void proxiesAndTimeouts() {
        Map<String, String> env = minimal();
        env.put("GATEWAY_FORWARD_AUTH_PROXY", "Traefik");
        env.put("GATEWAY_TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32, 192.0.2.7");
        GatewayConfig config = GatewayConfig.fromEnv(env);
        assertThat(config.forwardAuth()).hasValue(ForwardAuthProxy.TRAEFIK);
        assertThat(config.trustedProxies()).hasSize(3);

        env.put("GATEWAY_FORWARD_AUTH_PROXY", "haproxy");
        env.put("GATEWAY_TRUSTED_PROXIES", "10.0.0.0/33, example.org");
        env.put("GATEWAY_CLIENT_IDLE_TIMEOUT", "1m");
        env.put("GATEWAY_FORWARD_AUTH", "true");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(5))
                .hasMessageContaining("GATEWAY_FORWARD_AUTH_PROXY must be one of nginx, traefik, envoy")
                .hasMessageContaining("10.0.0.0/33").hasMessageContaining("example.org")
                .hasMessageContaining("GATEWAY_CLIENT_IDLE_TIMEOUT")
                .hasMessageContaining("GATEWAY_FORWARD_AUTH was replaced by GATEWAY_FORWARD_AUTH_PROXY");
    }

    @Test
    @DisplayName("the forged-key defences have bounded, positive settings")
    void authProtection() {
        GatewayConfig defaults = GatewayConfig.fromEnv(minimal());
        assertThat(defaults.authProtection().failureBudget()).isEqualTo(100);
        assertThat(defaults.authProtection().failureRefill()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.authProtection().maxConcurrentIntrospections()).isEqualTo(16);
        assertThat(defaults.authProtection().introspectionQueue()).isEqualTo(256);
        assertThat(defaults.keyCache().negativeMaxEntries()).isEqualTo(100_000);

        Map<String, String> env = minimal();
        env.put("GATEWAY_AUTH_FAILURE_BUDGET", "0");
        env.put("GATEWAY_KEYCLOAK_MAX_CONCURRENT_INTROSPECTIONS", "-3");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env))
                .hasMessageContaining("GATEWAY_AUTH_FAILURE_BUDGET").hasMessageContaining("GATEWAY_KEYCLOAK_MAX_CONCURRENT_INTROSPECTIONS");
    }

    @Test
    @DisplayName("migration: enforce by default, no legacy subnets or keys, personal keys in the account console")
    void migrationDefaults() {
        MigrationSettings migration = GatewayConfig.fromEnv(minimal()).migration();

        assertThat(migration.mode()).isEqualTo(MigrationSettings.Mode.ENFORCE);
        assertThat(migration.legacySubnets()).isEmpty();
        assertThat(migration.legacyKeys()).isEmpty();
        assertThat(migration.personalKeyUrl()).hasToString("https://sso.example.edu/realms/inference/account/api-keys");
        assertThat(migration.logWindow()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    @DisplayName("migration: a bad mode, subnet and legacy-keys file are each named, and a pasted plain key is never echoed")
    void migrationProblems(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path keys = dir.resolve("legacy-keys");
        java.nio.file.Files.writeString(keys, "lab 2027-03-31 sk-the-plain-shared-key\n"
                + "lab2 31.03.2027 " + "a".repeat(64) + "\n" + "lab3 2027-03-31 " + "A".repeat(64) + "\n");
        Map<String, String> env = minimal();
        env.put("GATEWAY_AUTH_MODE", "permissive");
        env.put("GATEWAY_LEGACY_SUBNETS", "10.1.0.0/16,10.2.0.0/33,10.3.0.0/16@soon");
        env.put("GATEWAY_LEGACY_KEYS_FILE", keys.toString());

        assertThatThrownBy(() -> GatewayConfig.fromEnv(env)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems()).hasSize(6);
            assertThat(String.join("\n", e.problems())).doesNotContain("sk-the-plain-shared-key")
                    .contains("GATEWAY_AUTH_MODE").contains("10.2.0.0/33").contains("10.3.0.0/16@soon")
                    .contains("line 1").contains("line 2: the sunset").contains("line 3: the same key hash");
        });
    }

    @Test
    @DisplayName("service credentials are off unless enabled; TLS and the Keycloak CA are off unless files are named")
    void serviceCredentialsAndTlsDefaults() {
        GatewayConfig config = GatewayConfig.fromEnv(minimal());
        assertThat(config.serviceCredentials().enabled()).isFalse();
        assertThat(config.serviceCredentials().negativeTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.tls()).isEmpty();
        assertThat(config.keycloak().caFile()).isEmpty();
    }

    @Test
    @DisplayName("a certificate without its key, and files that cannot be read, are named at start")
    void tlsFilesChecked() throws Exception {
        java.nio.file.Path cert = java.nio.file.Files.createTempFile("cert", ".pem");
        Map<String, String> env = minimal();
        env.put("GATEWAY_TLS_CERT_FILE", cert.toString());
        env.put("GATEWAY_KEYCLOAK_CA_FILE", "/nonexistent/ca.pem");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env))
                .hasMessageContaining("GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE go together")
                .hasMessageContaining("GATEWAY_KEYCLOAK_CA_FILE must name a readable file, got '/nonexistent/ca.pem'");
        env.put("GATEWAY_TLS_KEY_FILE", cert.toString());
        env.put("GATEWAY_KEYCLOAK_CA_FILE", cert.toString()); // empty: no certificate in it
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env))
                .hasMessageContaining("GATEWAY_KEYCLOAK_CA_FILE must be a PEM file of CA certificates");
        env.remove("GATEWAY_KEYCLOAK_CA_FILE");
        assertThat(GatewayConfig.fromEnv(env).tls()).hasValue(new GatewayConfig.Tls(cert.toAbsolutePath(), cert.toAbsolutePath(),
                java.time.Duration.ofMinutes(1)));
        env.put("GATEWAY_TLS_RELOAD_INTERVAL", "10ms");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(env)).hasMessageContaining("GATEWAY_TLS_RELOAD_INTERVAL");
        env.put("GATEWAY_TLS_RELOAD_INTERVAL", "30s");
        assertThat(GatewayConfig.fromEnv(env).tls().orElseThrow().reloadInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
    }
}

