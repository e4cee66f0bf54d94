package org.inferenceauth.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.inferenceauth.gateway.demo.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Operations endpoints and forward-auth mode")
class OpsAndForwardAuthTest {

    Vertx vertx;
    FakeKeycloak keycloak;
    GatewayFixture gateway;
    FakeKeycloak.Key key;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), Map.of()));
        key = keycloak.mintKey("olga");
    }

    @AfterEach
    void stop() {
        gateway.close();
        vertx.close().await();
    }

    HttpResponse<String> management(String path) {
        return gateway.getAbsolute(gateway.managementUrl() + path);
    }

    @Nested
    @DisplayName("management port")
    class Management {

        @Test
        @DisplayName("/healthz is UP; /readyz is UP with JWKS and Keycloak, DOWN once Keycloak is gone")
        void health() throws Exception {
            assertThat(management("/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = management("/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(ready.body()).getJsonObject("checks").getString("jwks")).isEqualTo("UP");

            keycloak.stop();

            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (management("/readyz").statusCode() == 200 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            HttpResponse<String> notReady = management("/readyz");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(notReady.body()).getJsonObject("checks").getString("keycloak")).isEqualTo("DOWN");
        }

        @Test
        @DisplayName("/metrics speaks Prometheus: requests by status, auth outcomes, cache hits, introspection and upstream latency")
        void metrics() {
            gateway.post("/v1/chat/completions", "{\"model\":\"model-a\",\"messages\":[]}", "authorization", "Bearer " + key.token());
            gateway.post("/v1/chat/completions", "{\"model\":\"model-a\",\"messages\":[]}", "authorization", "Bearer " + key.token());
            gateway.get("/v1/models");

            String metrics = management("/metrics").body();

            assertThat(metrics)
                    .contains("gateway_requests_total{channel=\"api\",route=\"proxy\",status=\"200\"} 2.0")
                    .contains("gateway_requests_total{channel=\"none\",route=\"rejected\",status=\"401\"} 1.0")
                    .contains("gateway_auth_total{channel=\"api\",method=\"api_key\",outcome=\"authenticated\"} 2.0")
                    .contains("gateway_key_cache_total{result=\"hit\"} 1.0")
                    .contains("gateway_key_cache_total{result=\"miss\"} 1.0")
                    .contains("gateway_introspection_seconds_count{outcome=\"answered\"} 1")
                    .contains("gateway_upstream_seconds_count{status=\"200\"")
                    .doesNotContain(key.token());
        }

        @Test
        @DisplayName("the API port does not serve the management endpoints")
        void notOnApiPort() {
            assertThat(gateway.get("/metrics", "authorization", "Bearer " + key.token()).statusCode()).isEqualTo(404);
            assertThat(gateway.get("/healthz").statusCode()).isEqualTo(404);
        }
    }

    @Nested
    @DisplayName("/auth")
    class ForwardAuth {

        @Test
        @DisplayName("nginx auth_request: 200 with identity headers for a valid key")
        void nginx() {
            HttpResponse<String> response = gateway.get("/auth", "x-original-uri", "/v1/chat/completions",
                    "authorization", "Bearer " + key.token());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-auth-user")).hasValue("olga");
            assertThat(response.headers().firstValue("x-auth-key-id")).hasValue(key.keyId());
            assertThat(response.headers().firstValue("x-auth-project")).hasValue("personal");
        }

        @Test
        @DisplayName("Traefik ForwardAuth: 401 with a Bearer challenge for a bad key")
        void traefik() {
            HttpResponse<String> response = gateway.get("/auth", "x-forwarded-uri", "/v1/models",
                    "authorization", "Bearer ik_nope");

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("www-authenticate").orElseThrow()).startsWith("Bearer");
            assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
        }

        @Test
        @DisplayName("Envoy ext_authz (path appended): 403 for a path off the allow-list, 200 for an inference path")
        void envoy() {
            assertThat(gateway.get("/auth/metrics", "authorization", "Bearer " + key.token()).statusCode()).isEqualTo(403);
            assertThat(gateway.get("/auth/v1/embeddings", "authorization", "Bearer " + key.token()).statusCode()).isEqualTo(200);
        }

        @Test
        @DisplayName("fails closed: 403 without the original path, and for a model-scoped key whose model it cannot see")
        void failsClosed() {
            FakeKeycloak.Key scoped = keycloak.mintKey("olga", "model:model-a");

            HttpResponse<String> noPath = gateway.get("/auth", "authorization", "Bearer " + key.token());
            HttpResponse<String> scopedKey = gateway.get("/auth", "x-original-uri", "/v1/chat/completions",
                    "authorization", "Bearer " + scoped.token());

            assertThat(noPath.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(noPath.body()).getJsonObject("error").getString("code")).isEqualTo("path_not_allowed");
            assertThat(scopedKey.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(scopedKey.body()).getJsonObject("error").getString("code")).isEqualTo("model_not_allowed");
        }

        @Test
        @DisplayName("503 with retry-after when Keycloak cannot be asked about an unknown key")
        void unavailable() {
            keycloak.setDown(true);

            HttpResponse<String> response = gateway.get("/auth", "x-original-uri", "/v1/models",
                    "authorization", "Bearer " + key.token());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("retry-after")).isPresent();
        }
    }
}
