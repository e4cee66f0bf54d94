package org.inferenceauth.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The management port: health, readiness, metrics")
class ManagementTest {

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
        @DisplayName("/healthz is UP; /readyz is UP with JWKS and Keycloak, and stays UP through a Keycloak outage")
        void health() throws Exception {
            assertThat(management("/healthz").statusCode()).isEqualTo(200);
            // Readiness needs the first JWKS fetch, which a loaded machine may not have finished yet.
            long readyBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (management("/readyz").statusCode() != 200 && System.nanoTime() < readyBy) {
                Thread.sleep(100);
            }
            HttpResponse<String> ready = management("/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(checks(ready).getString("jwks")).isEqualTo("UP");
            assertThat(checks(ready).getString("keycloak")).isEqualTo("UP");
            assertThat(checks(ready).getInteger("upstreams_listing_models")).isEqualTo(1);
            assertThat(checks(ready).getInteger("upstreams")).isEqualTo(1);
            assertThat(gateway.get("/v1/models", "authorization", "Bearer " + key.token()).statusCode()).isEqualTo(200);

            keycloak.stop();

            // Cached callers are still served, so the replica must stay in the load balancer.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!"UNREACHABLE".equals(checks(management("/readyz")).getString("keycloak")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            HttpResponse<String> duringOutage = management("/readyz");
            assertThat(checks(duringOutage).getString("keycloak")).isEqualTo("UNREACHABLE");
            assertThat(duringOutage.statusCode()).isEqualTo(200);
            assertThat(gateway.get("/v1/models", "authorization", "Bearer " + key.token()).statusCode()).isEqualTo(200);
        }

        JsonObject checks(HttpResponse<String> readiness) {
            return new JsonObject(readiness.body()).getJsonObject("checks");
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
}
