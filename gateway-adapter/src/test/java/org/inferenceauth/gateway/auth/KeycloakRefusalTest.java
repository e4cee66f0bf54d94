package org.inferenceauth.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.CapturedLogs;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Keycloak answering the gateway 401/403 means the gateway's own client is misconfigured (secret
 * rotated, client disabled): the revocation feed is unreadable, so a cached key may have been
 * revoked in the meantime. That is no outage to bridge: cached keys get no grace period.
 */
@DisplayName("Keycloak refusing the gateway's client credentials is a configuration error, not an outage")
class KeycloakRefusalTest {

    CapturedLogs logs;
    Vertx vertx;
    FakeKeycloak keycloak;
    GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        logs = CapturedLogs.errors();
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(),
                Map.of("GATEWAY_KEY_CACHE_TTL", "1s", "GATEWAY_OUTAGE_GRACE", "15m")));
    }

    @AfterEach
    void stop() {
        logs.close();
        gateway.close();
        vertx.close().await();
    }

    int models(FakeKeycloak.Key key) {
        return gateway.get("/v1/models", "authorization", "Bearer " + key.token()).statusCode();
    }

    @Test
    @DisplayName("a key revoked while Keycloak refuses the gateway stops working after the cache TTL, not after the outage grace")
    void noGraceForRevokedKeys() throws Exception {
        FakeKeycloak.Key key = keycloak.mintKey("quinn");
        assertThat(models(key)).isEqualTo(200);

        keycloak.setRefusingGateway(true);
        keycloak.revokeKey(key);

        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (models(key) == 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        HttpResponse<String> refused = gateway.get("/v1/models", "authorization", "Bearer " + key.token());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("auth_unavailable");
    }

    @Test
    @DisplayName("it is logged once per episode as an error, counted in metrics, and makes /readyz DOWN")
    void loudOncePerEpisode() throws Exception {
        FakeKeycloak.Key key = keycloak.mintKey("rosa");
        keycloak.setRefusingGateway(true);
        for (int i = 0; i < 5; i++) {
            models(keycloak.mintKey("r" + i));
            gateway.server().pollRevocations().await();
        }

        String metrics = gateway.getAbsolute(gateway.managementUrl() + "/metrics").body();
        HttpResponse<String> readiness = gateway.getAbsolute(gateway.managementUrl() + "/readyz");
        assertThat(logs.records()).hasSize(1);
        assertThat(logs.records().get(0).getMessage()).contains("GATEWAY_KEYCLOAK_CLIENT_SECRET").doesNotContain(FakeKeycloak.CLIENT_SECRET);
        assertThat(metrics).contains("gateway_keycloak_credentials_refused 1.0")
                .containsPattern("gateway_keycloak_refusals_total \\d+\\.0");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(readiness.body()).getJsonObject("checks").getString("keycloak")).isEqualTo("REFUSED");

        keycloak.setRefusingGateway(false);
        gateway.server().pollRevocations().await();

        assertThat(models(key)).isEqualTo(200);
        assertThat(gateway.getAbsolute(gateway.managementUrl() + "/metrics").body())
                .contains("gateway_keycloak_credentials_refused 0.0");
        assertThat(logs.records()).hasSize(1);
    }
}
