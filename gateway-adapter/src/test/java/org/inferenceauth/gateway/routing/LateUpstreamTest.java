package org.inferenceauth.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
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
import org.junit.jupiter.api.Test;

/**
 * A gateway started while one upstream was not answering yet (a vLLM still loading its weights)
 * routes that upstream's models to the default upstream until it learns them. It must learn them
 * within seconds of the upstream coming up, not after a whole refresh interval.
 */
@DisplayName("An upstream that comes up after the gateway")
class LateUpstreamTest {

    Vertx vertx;
    FakeKeycloak keycloak;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        keycloak = new FakeKeycloak(vertx).start();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    @DisplayName("is routed by model within a few seconds, although the refresh interval is an hour")
    void learntSoon() throws Exception {
        DemoUpstream first = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        int latePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            latePort = socket.getLocalPort();
        }
        try (GatewayFixture gateway = GatewayFixture.startWithUpstreamDown(vertx, GatewayFixture.env(keycloak.issuer(),
                first.baseUrl() + ",http://127.0.0.1:" + latePort + "/v1", Map.of("GATEWAY_MODELS_REFRESH_INTERVAL", "1h")))) {
            String key = "Bearer " + keycloak.mintKey("lena").token();
            String chat = "{\"model\":\"model-late\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertThat(gateway.server().modelCoverage()).isEqualTo(new ModelCatalog.Coverage(1, 2));
            assertThat(gateway.post("/v1/chat/completions", chat, "authorization", key).statusCode())
                    .as("before the late upstream answers, its model goes to the default upstream, which does not serve it")
                    .isEqualTo(404);

            DemoUpstream late = new DemoUpstream(vertx, List.of("model-late"), Duration.ZERO).start("127.0.0.1", latePort).await();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!gateway.server().modelCoverage().complete() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

            HttpResponse<String> routed = gateway.post("/v1/chat/completions", chat, "authorization", key);
            assertThat(routed.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(routed.body()).getString("model")).isEqualTo("model-late");
            assertThat(late.received()).isNotEmpty();
        }
    }
}
