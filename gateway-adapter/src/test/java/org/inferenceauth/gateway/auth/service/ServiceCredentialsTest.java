package org.inferenceauth.gateway.auth.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Service credentials: a service account's client id and secret in place of a token")
class ServiceCredentialsTest {

    static final String CLIENT = "nightly-eval";
    static final String SECRET = "s3cr3t-Of-The-Service";

    Vertx vertx;
    FakeKeycloak keycloak;
    DemoUpstream upstream;
    GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        keycloak.addServiceAccount(CLIENT, SECRET);
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
    }

    void startGateway(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of("GATEWAY_SERVICE_CREDENTIALS", "true"));
        env.putAll(overrides);
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), env));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        vertx.close().await();
    }

    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> chat(String... headers) {
        return gateway.post("/v1/chat/completions",
                "{\"model\":\"model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", headers);
    }

    static String code(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonObject("error").getString("code");
    }

    @Nested
    @DisplayName("right credentials")
    class Right {

        @BeforeEach
        void gateway() {
            startGateway(Map.of());
        }

        @Test
        @DisplayName("HTTP Basic (curl -u id:secret): many calls, one exchange at Keycloak")
        void basicOnce() {
            for (int i = 0; i < 5; i++) {
                assertThat(chat("authorization", basic(CLIENT, SECRET)).statusCode()).isEqualTo(200);
            }
            assertThat(gateway.get("/v1/models", "authorization", basic(CLIENT, SECRET)).statusCode()).isEqualTo(200);
            assertThat(keycloak.tokenExchanges()).isEqualTo(1);
            assertThat(gateway.awaitAccessLogLine("/v1/models")).contains("\"client\":\"" + CLIENT + "\"");
        }

        @Test
        @DisplayName("X-Client-Id + X-Client-Secret: the same, and sharing the exchange with Basic")
        void headerPair() {
            assertThat(chat("x-client-id", CLIENT, "x-client-secret", SECRET).statusCode()).isEqualTo(200);
            assertThat(chat("x-client-id", CLIENT, "x-client-secret", SECRET).statusCode()).isEqualTo(200);
            assertThat(chat("authorization", basic(CLIENT, SECRET)).statusCode()).isEqualTo(200);
            assertThat(keycloak.tokenExchanges()).isEqualTo(1);
        }

        @Test
        @DisplayName("concurrent first calls share one exchange")
        void concurrentFirstCalls() {
            keycloak.setTokenDelay(Duration.ofMillis(500));
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> chat("authorization", basic(CLIENT, SECRET)).statusCode()));
            }
            assertThat(calls.stream().map(CompletableFuture::join).toList()).containsOnly(200);
            assertThat(keycloak.tokenExchanges()).isEqualTo(1);
        }

        @Test
        @DisplayName("the token is renewed before it expires, without a failed call")
        void renewed() throws Exception {
            keycloak.setServiceTokenLifetime(Duration.ofSeconds(4));
            assertThat(chat("authorization", basic(CLIENT, SECRET)).statusCode()).isEqualTo(200);
            assertThat(keycloak.tokenExchanges()).isEqualTo(1);
            Thread.sleep(1_000);
            assertThat(chat("authorization", basic(CLIENT, SECRET)).statusCode()).isEqualTo(200);
            assertThat(keycloak.tokenExchanges()).isEqualTo(1);
            Thread.sleep(2_600); // past 3.2 s: renewal is due (a fifth of the lifetime before expiry)
            assertThat(chat("authorization", basic(CLIENT, SECRET)).statusCode()).isEqualTo(200);
            assertThat(keycloak.tokenExchanges()).isEqualTo(2);
        }

        @Test
        @DisplayName("a token and service credentials in one request are ambiguous: 400")
        void ambiguous() throws Exception {
            String token = keycloak.accessToken("u1", claims -> {});
            HttpResponse<String> both = chat("authorization", "Bearer " + token, "x-client-id", CLIENT, "x-client-secret", SECRET);
            assertThat(both.statusCode()).isEqualTo(400);
            assertThat(code(both)).isEqualTo("multiple_credentials");
            assertThat(keycloak.tokenExchanges()).isZero();
        }
    }

    @Nested
    @DisplayName("wrong credentials")
    class Wrong {

        @Test
        @DisplayName("a wrong secret is a 401 with a Basic challenge; repeated, it does not reach Keycloak")
        void wrongSecret() {
            startGateway(Map.of());
            HttpResponse<String> first = chat("authorization", basic(CLIENT, "wrong-secret-123"));
            assertThat(first.statusCode()).isEqualTo(401);
            assertThat(code(first)).isEqualTo("invalid_api_key");
            assertThat(first.headers().firstValue("www-authenticate")).hasValue("Basic realm=\"inference\", charset=\"UTF-8\"");
            assertThat(first.body()).doesNotContain("wrong-secret-123");

            HttpResponse<String> second = chat("authorization", basic(CLIENT, "wrong-secret-123"));
            assertThat(second.statusCode()).isEqualTo(401);
            assertThat(keycloak.tokenExchanges()).isEqualTo(1);

            // The right secret of the same client is a different pair: it is not held back.
            assertThat(chat("authorization", basic(CLIENT, SECRET)).statusCode()).isEqualTo(200);
            assertThat(gateway.accessLog()).doesNotContain("wrong-secret-123").doesNotContain(SECRET);
        }

        @Test
        @DisplayName("an unknown client in the header pair is a 401 with the Bearer challenge")
        void unknownClient() {
            startGateway(Map.of());
            HttpResponse<String> refused = chat("x-client-id", "nobody", "x-client-secret", "whatever");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("www-authenticate").orElseThrow()).startsWith("Bearer realm=\"inference\"");
        }

        @Test
        @DisplayName("half of the header pair, or Basic that is no id:secret, is a 401 without asking Keycloak")
        void malformed() {
            startGateway(Map.of());
            assertThat(chat("x-client-id", CLIENT).statusCode()).isEqualTo(401);
            assertThat(chat("authorization", "Basic not-base64!").statusCode()).isEqualTo(401);
            assertThat(chat("authorization", "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes())).statusCode())
                    .isEqualTo(401);
            assertThat(keycloak.tokenExchanges()).isZero();
        }

        @Test
        @DisplayName("wrong secrets spend the source's failure budget: then a 429 without asking Keycloak")
        void budget() {
            startGateway(Map.of("GATEWAY_AUTH_FAILURE_BUDGET", "2"));
            assertThat(chat("authorization", basic(CLIENT, "guess-1")).statusCode()).isEqualTo(401);
            assertThat(chat("authorization", basic(CLIENT, "guess-2")).statusCode()).isEqualTo(401);
            HttpResponse<String> third = chat("authorization", basic(CLIENT, "guess-3"));
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(code(third)).isEqualTo("too_many_failed_authentications");
            assertThat(keycloak.tokenExchanges()).isEqualTo(2);
        }

        @Test
        @DisplayName("Keycloak unreachable: 503 with Retry-After, and the next call asks again")
        void keycloakDown() {
            startGateway(Map.of());
            keycloak.stop();
            HttpResponse<String> down = chat("authorization", basic(CLIENT, SECRET));
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(code(down)).isEqualTo("auth_unavailable");
            assertThat(down.headers().firstValue("retry-after")).isPresent();
            keycloak.start();
            assertThat(chat("authorization", basic(CLIENT, SECRET)).statusCode()).isEqualTo(200);
        }

        @Test
        @DisplayName("off unless enabled: Basic is no credential then, and Keycloak is never asked")
        void offByDefault() {
            startGateway(Map.of("GATEWAY_SERVICE_CREDENTIALS", "false"));
            HttpResponse<String> refused = chat("authorization", basic(CLIENT, SECRET));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"inference\"");
            assertThat(keycloak.tokenExchanges()).isZero();
        }
    }
}
