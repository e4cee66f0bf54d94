package org.inferenceauth.gateway.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.inferenceauth.gateway.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The way from an open API to personal keys: audit mode lets calls without a valid credential
 * through (counted, logged once per caller and path), legacy subnets pass in either mode, shared
 * legacy keys work until their sunset and are then refused with directions to a personal key —
 * through the proxy and forward-auth alike, and without relaxing anything else.
 */
@DisplayName("Migration: audit mode, legacy subnets, legacy keys")
class MigrationTest {

    static final String CHAT = "{\"model\":\"model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String LAB_KEY = "sk-lab-shared-literal-2019";
    static final String OLD_KEY = "sk-old-shared-literal-2017";
    static final String MALFORMED_KEY = "ik_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    static Vertx vertx;
    static FakeKeycloak keycloak;
    static DemoUpstream upstream;
    static Path legacyKeysFile;
    final List<GatewayFixture> gateways = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        legacyKeysFile = Files.createTempFile("legacy-keys", ".txt");
        Files.writeString(legacyKeysFile, "# label sunset sha256 of the key\n"
                + "lab-shared 2030-01-01 " + sha256(LAB_KEY) + "\n\n"
                + "old-shared   2020-06-30   " + sha256(OLD_KEY).toUpperCase() + "\n", StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() throws IOException {
        keycloak.close();
        vertx.close().await();
        Files.deleteIfExists(legacyKeysFile);
    }

    @AfterEach
    void closeGateways() {
        gateways.forEach(GatewayFixture::close);
        keycloak.setDown(false);
    }

    GatewayFixture gateway(Map<String, String> settings) {
        return gateway(settings, new MutableClock(Instant.now()));
    }

    GatewayFixture gateway(Map<String, String> settings, MutableClock clock) {
        Map<String, String> env = new HashMap<>(settings);
        GatewayFixture gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), env), clock);
        gateways.add(gateway);
        return gateway;
    }

    static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    static String code(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonObject("error").getString("code");
    }

    static List<String> migrationLines(GatewayFixture gateway) {
        return gateway.accessLog().lines().filter(l -> l.contains("\"type\":\"migration\"")).toList();
    }

    static DemoUpstream.Received lastReceived() {
        List<DemoUpstream.Received> received = upstream.received();
        return received.get(0); // newest first
    }

    @Nested
    @DisplayName("enforce (the default)")
    class Enforce {

        @Test
        @DisplayName("no credential, a forged key: 401 as ever, nothing counted as a pass")
        void refuses() {
            GatewayFixture gateway = gateway(Map.of());

            assertThat(gateway.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(401);
            assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + MALFORMED_KEY).statusCode())
                    .isEqualTo(401);
            assertThat(gateway.server().metrics().scrape()).doesNotContain("gateway_audit_passes_total");
            assertThat(migrationLines(gateway)).isEmpty();
        }
    }

    @Nested
    @DisplayName("audit mode")
    class Audit {

        @Test
        @DisplayName("calls without a valid credential reach the upstream, counted by reason, without identity headers")
        void passesAndCounts() {
            GatewayFixture gateway = gateway(Map.of("GATEWAY_AUTH_MODE", "audit"));

            HttpResponse<String> missing = gateway.post("/v1/chat/completions", CHAT, "x-auth-user", "mallory",
                    "x-openwebui-user-email", "boss@example.edu");
            assertThat(missing.statusCode()).isEqualTo(200);
            assertThat(lastReceived().headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-auth-")
                    || n.toLowerCase().startsWith("x-openwebui-"));
            FakeKeycloak.Key revoked = keycloak.mintKey("audit-gone");
            keycloak.revokeKey(revoked);
            assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + revoked.token()).statusCode())
                    .isEqualTo(200);
            assertThat(lastReceived().headers().get("authorization")).isNull();
            assertThat(gateway.post("/v1/chat/completions", CHAT, "x-api-key", "not-a-key").statusCode()).isEqualTo(200);
            assertThat(gateway.get("/v1/models", "api-key", "a", "apikey", "b").statusCode()).isEqualTo(200);

            String scrape = gateway.server().metrics().scrape();
            assertThat(scrape).contains("gateway_audit_passes_total{reason=\"missing\"} 1.0")
                    .contains("gateway_audit_passes_total{reason=\"invalid\"} 1.0")
                    .contains("gateway_audit_passes_total{reason=\"malformed\"} 1.0")
                    .contains("gateway_audit_passes_total{reason=\"multiple_credentials\"} 1.0");
            String line = gateway.awaitAccessLogLine("\"migration\":\"invalid\"");
            assertThat(new JsonObject(line).getString("auth_outcome")).isEqualTo("audit");
            assertThat(gateway.accessLog()).doesNotContain(revoked.token()).doesNotContain("not-a-key");
        }

        @Test
        @DisplayName("logged once per client address, user agent and path within the window, never with the credential")
        void loggedOncePerCaller() {
            GatewayFixture gateway = gateway(Map.of("GATEWAY_AUTH_MODE", "audit"));

            for (int i = 0; i < 3; i++) {
                assertThat(gateway.post("/v1/chat/completions", CHAT, "user-agent", "nightly-batch/1.0").statusCode())
                        .isEqualTo(200);
            }
            gateway.post("/v1/chat/completions", CHAT, "user-agent", "notebook/2.0", "authorization", "Bearer " + MALFORMED_KEY);
            gateway.post("/v1/embeddings", "{\"model\":\"model-a\",\"input\":\"x\"}", "user-agent", "nightly-batch/1.0");

            List<String> lines = migrationLines(gateway);
            assertThat(lines).hasSize(3);
            JsonObject first = new JsonObject(lines.get(0));
            assertThat(first.getString("kind")).isEqualTo("audit");
            assertThat(first.getString("reason")).isEqualTo("missing");
            assertThat(first.getString("client")).isEqualTo("127.0.0.1");
            assertThat(first.getString("user_agent")).isEqualTo("nightly-batch/1.0");
            assertThat(first.getString("path")).isEqualTo("/v1/chat/completions");
            assertThat(new JsonObject(lines.get(1)).getString("reason")).isEqualTo("malformed");
            assertThat(new JsonObject(lines.get(2)).getString("path")).isEqualTo("/v1/embeddings");
            assertThat(String.join("\n", lines)).doesNotContain(MALFORMED_KEY);
            assertThat(gateway.server().metrics().scrape()).contains("gateway_audit_passes_total{reason=\"missing\"} 4.0");
        }

        @Test
        @DisplayName("after the window, the same caller is logged again")
        void windowEnds() throws Exception {
            GatewayFixture gateway = gateway(Map.of("GATEWAY_AUTH_MODE", "audit", "GATEWAY_MIGRATION_LOG_WINDOW", "1s"));

            gateway.get("/v1/models", "user-agent", "cron");
            gateway.get("/v1/models", "user-agent", "cron");
            assertThat(migrationLines(gateway)).hasSize(1);
            Thread.sleep(1_300);
            gateway.get("/v1/models", "user-agent", "cron");
            assertThat(migrationLines(gateway)).hasSize(2);
        }

        @Test
        @DisplayName("a valid key still authenticates: identity headers upstream, and its rate limit still refuses")
        void validKeysStayLimited() {
            GatewayFixture gateway = gateway(Map.of("GATEWAY_AUTH_MODE", "audit", "GATEWAY_RATE_LIMIT_RPM", "1"));
            FakeKeycloak.Key key = keycloak.mintKey("audit-olga");

            assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + key.token()).statusCode())
                    .isEqualTo(200);
            assertThat(lastReceived().headers().get("x-auth-user")).isEqualTo("audit-olga");
            HttpResponse<String> second = gateway.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + key.token());
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(code(second)).isEqualTo("rate_limit_exceeded");
            assertThat(gateway.server().metrics().scrape()).doesNotContain("gateway_audit_passes_total");
        }

        @Test
        @DisplayName("the allow-list and /v1/limits stay closed to anonymous callers")
        void allowListStays() {
            GatewayFixture gateway = gateway(Map.of("GATEWAY_AUTH_MODE", "audit"));

            assertThat(gateway.get("/metrics").statusCode()).isEqualTo(404);
            assertThat(gateway.post("/v1/tokenize", CHAT).statusCode()).isEqualTo(404);
            assertThat(gateway.get("/v1/limits").statusCode()).isEqualTo(401);
        }

        @Test
        @DisplayName("Keycloak unreachable: an unknown key passes, counted as keycloak_unavailable")
        void keycloakDown() {
            GatewayFixture gateway = gateway(Map.of("GATEWAY_AUTH_MODE", "audit"));
            FakeKeycloak.Key key = keycloak.mintKey("audit-nina");
            keycloak.setDown(true);

            assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + key.token()).statusCode())
                    .isEqualTo(200);
            assertThat(gateway.server().metrics().scrape())
                    .contains("gateway_audit_passes_total{reason=\"keycloak_unavailable\"} 1.0");
        }

        @Test
        @DisplayName("forward-auth: 200 without identity headers, but paths off the list stay 403")
        void forwardAuth() {
            GatewayFixture gateway = gateway(Map.of("GATEWAY_AUTH_MODE", "audit", "GATEWAY_FORWARD_AUTH_PROXY", "nginx"));

            HttpResponse<String> approved = gateway.get("/auth", "x-original-uri", "/v1/chat/completions?secret=1",
                    "x-original-method", "POST", "user-agent", "legacy-script");
            assertThat(approved.statusCode()).isEqualTo(200);
            assertThat(approved.headers().firstValue("x-auth-user")).isEmpty();
            HttpResponse<String> offList = gateway.get("/auth", "x-original-uri", "/metrics", "x-original-method", "GET");
            assertThat(offList.statusCode()).isEqualTo(403);
            assertThat(code(offList)).isEqualTo("path_not_allowed");

            JsonObject line = new JsonObject(migrationLines(gateway).get(0));
            assertThat(line.getString("path")).isEqualTo("/v1/chat/completions");
            assertThat(line.getString("user_agent")).isEqualTo("legacy-script");
        }
    }

    @Nested
    @DisplayName("legacy subnets")
    class LegacySubnets {

        @Test
        @DisplayName("in enforce mode, a legacy subnet's caller passes without a credential; another subnet's does not")
        void bySubnet() {
            MutableClock clock = new MutableClock(Instant.parse("2029-12-31T23:00:00Z"));
            GatewayFixture gateway = gateway(Map.of("GATEWAY_TRUSTED_PROXIES", "127.0.0.1",
                    "GATEWAY_LEGACY_SUBNETS", "192.0.2.0/24, 2001:db8:5::/48, 203.0.113.0/24@2030-01-01"), clock);

            assertThat(gateway.post("/v1/chat/completions", CHAT, "x-forwarded-for", "192.0.2.7").statusCode()).isEqualTo(200);
            assertThat(gateway.post("/v1/chat/completions", CHAT, "x-forwarded-for", "2001:db8:5:1::9").statusCode())
                    .isEqualTo(200);
            assertThat(gateway.post("/v1/chat/completions", CHAT, "x-forwarded-for", "198.51.100.1").statusCode())
                    .isEqualTo(401);
            // A client cannot name a legacy address itself: only the trusted proxy's entry counts.
            assertThat(gateway.post("/v1/chat/completions", CHAT, "x-forwarded-for", "192.0.2.7, 198.51.100.1").statusCode())
                    .isEqualTo(401);
            assertThat(gateway.post("/v1/chat/completions", CHAT, "x-forwarded-for", "203.0.113.5").statusCode())
                    .isEqualTo(200);
            clock.advance(Duration.ofHours(1)); // the sunset of 203.0.113.0/24
            assertThat(gateway.post("/v1/chat/completions", CHAT, "x-forwarded-for", "203.0.113.5").statusCode())
                    .isEqualTo(401);

            assertThat(gateway.server().metrics().scrape())
                    .contains("gateway_legacy_subnet_passes_total{subnet=\"192.0.2.0/24\"} 1.0")
                    .contains("gateway_legacy_subnet_passes_total{subnet=\"203.0.113.0/24\"} 1.0")
                    .doesNotContain("gateway_audit_passes_total");
            assertThat(migrationLines(gateway)).anySatisfy(l -> assertThat(new JsonObject(l).getString("subnet"))
                    .isEqualTo("192.0.2.0/24"));
        }

        @Test
        @DisplayName("forward-auth passes a legacy subnet's caller too; the loopback gateway without the setting does not")
        void forwardAuth() {
            GatewayFixture legacy = gateway(Map.of("GATEWAY_LEGACY_SUBNETS", "127.0.0.0/8", "GATEWAY_FORWARD_AUTH_PROXY", "traefik"));
            GatewayFixture other = gateway(Map.of("GATEWAY_LEGACY_SUBNETS", "10.0.0.0/8", "GATEWAY_FORWARD_AUTH_PROXY", "traefik"));

            String[] check = {"x-forwarded-uri", "/v1/models", "x-forwarded-method", "GET"};
            assertThat(legacy.get("/auth", check).statusCode()).isEqualTo(200);
            assertThat(other.get("/auth", check).statusCode()).isEqualTo(401);
        }
    }

    @Nested
    @DisplayName("legacy keys")
    class LegacyKeys {

        @Test
        @DisplayName("before its sunset a shared key passes as its label, never asked of Keycloak; after it, 401 naming the date and where to get a personal key")
        void beforeAndAfterSunset() {
            MutableClock clock = new MutableClock(Instant.parse("2029-12-31T23:59:00Z"));
            GatewayFixture gateway = gateway(Map.of("GATEWAY_LEGACY_KEYS_FILE", legacyKeysFile.toString()), clock);
            int introspections = keycloak.introspections();

            HttpResponse<String> accepted = gateway.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + LAB_KEY);
            assertThat(accepted.statusCode()).isEqualTo(200);
            assertThat(lastReceived().headers().get("x-auth-key-id")).isEqualTo("legacy-lab-shared");
            assertThat(lastReceived().headers().get("x-auth-subject")).isNull();
            assertThat(lastReceived().headers().get("authorization")).isNull();
            JsonObject access = new JsonObject(gateway.awaitAccessLogLine("\"auth\":\"legacy_key\""));
            assertThat(access.getString("key_id")).isEqualTo("legacy-lab-shared");

            HttpResponse<String> old = gateway.post("/v1/chat/completions", CHAT, "x-api-key", OLD_KEY);
            assertThat(old.statusCode()).isEqualTo(401);
            assertThat(code(old)).isEqualTo("invalid_api_key");
            assertThat(new JsonObject(old.body()).getJsonObject("error").getString("message"))
                    .contains("retired on 2020-06-30")
                    .contains(keycloak.issuer() + "/account/api-keys");
            assertThat(old.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));

            clock.advance(Duration.ofMinutes(1)); // 2030-01-01: lab-shared retires
            HttpResponse<String> retired = gateway.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + LAB_KEY);
            assertThat(retired.statusCode()).isEqualTo(401);
            assertThat(retired.body()).contains("retired on 2030-01-01");

            assertThat(keycloak.introspections()).isEqualTo(introspections);
            assertThat(gateway.server().metrics().scrape())
                    .contains("gateway_legacy_key_calls_total{label=\"lab-shared\",outcome=\"accepted\"} 1.0")
                    .contains("gateway_legacy_key_calls_total{label=\"lab-shared\",outcome=\"retired\"} 1.0")
                    .contains("gateway_legacy_key_calls_total{label=\"old-shared\",outcome=\"retired\"} 1.0");
            assertThat(gateway.accessLog()).doesNotContain(LAB_KEY).doesNotContain(OLD_KEY);
            assertThat(migrationLines(gateway)).anySatisfy(l -> assertThat(new JsonObject(l).getString("label"))
                    .isEqualTo("lab-shared"));
        }

        @Test
        @DisplayName("a retired key is refused in audit mode too, and a legacy key is limited by the configured defaults")
        void retiredInAuditAndLimited() {
            GatewayFixture gateway = gateway(Map.of("GATEWAY_LEGACY_KEYS_FILE", legacyKeysFile.toString(),
                    "GATEWAY_AUTH_MODE", "audit", "GATEWAY_RATE_LIMIT_RPM", "2",
                    "GATEWAY_PERSONAL_KEY_URL", "https://portal.example.edu/keys"),
                    new MutableClock(Instant.parse("2029-06-01T12:00:00Z")));

            HttpResponse<String> old = gateway.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + OLD_KEY);
            assertThat(old.statusCode()).isEqualTo(401);
            assertThat(old.body()).contains("https://portal.example.edu/keys");
            for (int i = 0; i < 2; i++) {
                assertThat(gateway.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + LAB_KEY).statusCode())
                        .isEqualTo(200);
            }
            HttpResponse<String> third = gateway.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + LAB_KEY);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(code(third)).isEqualTo("rate_limit_exceeded");
        }

        @Test
        @DisplayName("forward-auth approves a legacy key with its label and refuses a retired one")
        void forwardAuth() {
            GatewayFixture gateway = gateway(Map.of("GATEWAY_LEGACY_KEYS_FILE", legacyKeysFile.toString(),
                    "GATEWAY_FORWARD_AUTH_PROXY", "nginx"), new MutableClock(Instant.parse("2029-06-01T12:00:00Z")));
            String[] check = {"x-original-uri", "/v1/chat/completions", "x-original-method", "POST"};

            HttpResponse<String> lab = gateway.get("/auth", concat(check, "authorization", "Bearer " + LAB_KEY));
            assertThat(lab.statusCode()).isEqualTo(200);
            assertThat(lab.headers().firstValue("x-auth-key-id")).hasValue("legacy-lab-shared");
            HttpResponse<String> old = gateway.get("/auth", concat(check, "authorization", "Bearer " + OLD_KEY));
            assertThat(old.statusCode()).isEqualTo(401);
            assertThat(old.body()).contains("retired on 2020-06-30");
        }
    }

    static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
