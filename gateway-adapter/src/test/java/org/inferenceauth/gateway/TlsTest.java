package org.inferenceauth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.net.ServerCertificate;
import org.inferenceauth.gateway.testing.CapturedLogs;
import org.inferenceauth.gateway.testing.Eventually;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.inferenceauth.gateway.testing.TestCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TLS: Keycloak behind an internal CA, and HTTPS on the gateway's own port")
class TlsTest {

    static TestCa ca;

    Vertx vertx;
    FakeKeycloak keycloak;
    DemoUpstream upstream;
    GatewayFixture gateway;

    @BeforeAll
    static void authority() throws Exception {
        ca = TestCa.create();
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).withTls(ca.serverOptions()).start();
        keycloak.addServiceAccount("example-service", "service-secret");
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        vertx.close().await();
    }

    GatewayFixture gatewayWith(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of("GATEWAY_SERVICE_CREDENTIALS", "true", "GATEWAY_USAGE_FLUSH", "200ms"));
        env.putAll(overrides);
        return GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), env));
    }

    static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString("example-service:service-secret".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("without GATEWAY_KEYCLOAK_CA_FILE the internal CA is not trusted: keys, tokens and service credentials get 503")
    void untrustedWithoutCaFile() throws Exception {
        gateway = gatewayWith(Map.of());
        FakeKeycloak.Key key = keycloak.mintKey("uma");
        assertThat(gateway.get("/v1/models", "authorization", "Bearer " + key.token()).statusCode()).isEqualTo(503);
        assertThat(gateway.get("/v1/models", "authorization", "Bearer " + keycloak.accessToken("u1", c -> {})).statusCode())
                .isEqualTo(503);
        assertThat(gateway.get("/v1/models", "authorization", basic()).statusCode()).isEqualTo(503);
        assertThat(keycloak.introspections()).isZero();
        assertThat(keycloak.jwksReads()).isZero();
        assertThat(keycloak.tokenExchanges()).isZero();
    }

    @Test
    @DisplayName("with the CA file every connection to Keycloak works: introspection, JWKS, token exchange, revocation feed, usage")
    void trustedWithCaFile() throws Exception {
        gateway = gatewayWith(Map.of("GATEWAY_KEYCLOAK_CA_FILE", ca.caFile().toString()));
        FakeKeycloak.Key key = keycloak.mintKey("uma");
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"model-a\",\"messages\":[]}",
                "authorization", "Bearer " + key.token()).statusCode()).isEqualTo(200);
        assertThat(gateway.get("/v1/models", "authorization", "Bearer " + keycloak.accessToken("u1", c -> {})).statusCode())
                .isEqualTo(200);
        assertThat(gateway.get("/v1/models", "authorization", basic()).statusCode()).isEqualTo(200);
        assertThat(keycloak.jwksReads()).isPositive();
        assertThat(keycloak.tokenExchanges()).isEqualTo(1);

        int feedReads = keycloak.feedReads();
        gateway.server().pollRevocations().await();
        assertThat(keycloak.feedReads()).isGreaterThan(feedReads);
        keycloak.revokeKey(key);
        Eventually.within(Duration.ofSeconds(5), () ->
                gateway.get("/v1/models", "authorization", "Bearer " + key.token()).statusCode() == 401);
        Eventually.within(Duration.ofSeconds(10), () -> !keycloak.usageEntries().isEmpty());
    }

    @Test
    @DisplayName("with a certificate and key the API port serves HTTPS, HTTP/2 by ALPN and HTTP/1.1, and no plain HTTP")
    void httpsPort() throws Exception {
        gateway = gatewayWith(Map.of("GATEWAY_KEYCLOAK_CA_FILE", ca.caFile().toString(),
                "GATEWAY_TLS_CERT_FILE", ca.serverCert().toString(), "GATEWAY_TLS_KEY_FILE", ca.serverKey().toString()));
        FakeKeycloak.Key key = keycloak.mintKey("uma");
        URI models = URI.create("https://127.0.0.1:" + gateway.server().port() + "/v1/models");
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
            HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).version(version).build();
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(models)
                    .header("authorization", "Bearer " + key.token()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.version()).isEqualTo(version);
            assertThat(answer.body()).contains("model-a");
        }
        assertThatThrownBy(() -> gateway.get("/v1/models", "authorization", "Bearer " + key.token()))
                .hasCauseInstanceOf(IOException.class);
    }

    /** A request on a new connection, trusting only {@code authority}'s CA; an untrusted certificate throws. */
    int modelsStatus(TestCa authority, FakeKeycloak.Key key) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(authority.clientContext()).version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.server().port() + "/v1/models"))
                .header("authorization", "Bearer " + key.token()).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    @DisplayName("a certificate renewed in place is served to new connections without a restart; a half-written renewal is skipped")
    void renewedInPlace() throws Exception {
        TestCa renewal = TestCa.create();
        Path live = Files.createTempDirectory("live-tls");
        Path cert = Files.copy(ca.serverCert(), live.resolve("tls.crt"));
        Path key = Files.copy(ca.serverKey(), live.resolve("tls.key"));
        try (CapturedLogs logs = CapturedLogs.info()) {
            gateway = gatewayWith(Map.of("GATEWAY_KEYCLOAK_CA_FILE", ca.caFile().toString(),
                    "GATEWAY_TLS_CERT_FILE", cert.toString(), "GATEWAY_TLS_KEY_FILE", key.toString(),
                    "GATEWAY_TLS_RELOAD_INTERVAL", "100ms"));
            FakeKeycloak.Key apiKey = keycloak.mintKey("uma");
            assertThat(modelsStatus(ca, apiKey)).isEqualTo(200);

            // Half written: the renewed certificate beside the old key. Refused (once), the old pair serves on.
            Files.copy(renewal.serverCert(), cert, StandardCopyOption.REPLACE_EXISTING);
            Eventually.within(Duration.ofSeconds(10), () -> logs.messagesOf(ServerCertificate.class).stream()
                    .anyMatch(message -> message.contains("do not make a usable pair")));
            assertThat(modelsStatus(ca, apiKey)).isEqualTo(200);
            assertThatThrownBy(() -> modelsStatus(renewal, apiKey)).isInstanceOf(IOException.class);

            Files.copy(renewal.serverKey(), key, StandardCopyOption.REPLACE_EXISTING);
            Eventually.within(Duration.ofSeconds(10), () -> {
                try {
                    return modelsStatus(renewal, apiKey) == 200;
                } catch (IOException stillTheOld) {
                    return false;
                }
            });
            assertThatThrownBy(() -> modelsStatus(ca, apiKey)).isInstanceOf(IOException.class);
            assertThat(logs.messagesOf(ServerCertificate.class))
                    .filteredOn(message -> message.contains("do not make a usable pair")).hasSize(1);
            assertThat(logs.messagesOf(ServerCertificate.class)).anyMatch(message -> message.contains("reloaded"));
        }
    }

    @Test
    @DisplayName("a key that is not the certificate's stops the gateway at start, saying so")
    void mismatchedPairAtStart() throws Exception {
        TestCa other = TestCa.create();
        Map<String, String> env = GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), Map.of(
                "GATEWAY_TLS_CERT_FILE", ca.serverCert().toString(), "GATEWAY_TLS_KEY_FILE", other.serverKey().toString()));

        assertThatThrownBy(() -> GatewayFixture.start(vertx, env))
                .hasStackTraceContaining("GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE do not make a usable pair");
    }
}
