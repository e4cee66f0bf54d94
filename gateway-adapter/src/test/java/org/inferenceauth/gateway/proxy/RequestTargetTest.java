package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.inferenceauth.gateway.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What reaches the gateway on the wire that no SDK would send: it is answered on purpose, never by accident. */
@DisplayName("Request targets and connections: escapes, absolute-form, upgrades, idle clients")
class RequestTargetTest {

    static Vertx vertx;
    static DemoUpstream upstream;
    static GatewayFixture gateway;
    static FakeKeycloak.Key key;

    @BeforeAll
    static void start() throws Exception {
        vertx = ProductionVertx.create();
        FakeKeycloak keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(),
                Map.of("GATEWAY_UPSTREAM_IDLE_TIMEOUT", "500ms", "GATEWAY_CLIENT_IDLE_TIMEOUT", "1s")));
        key = keycloak.mintKey("rita");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    static RawHttp.Response send(String requestLineAndHeaders) {
        return RawHttp.single(gateway.server().port(), requestLineAndHeaders
                + "Host: gateway\r\nAuthorization: Bearer " + key.token() + "\r\nConnection: close\r\n\r\n");
    }

    static JsonObject error(RawHttp.Response response) {
        return new JsonObject(response.body()).getJsonObject("error");
    }

    @Test
    @DisplayName("a malformed %-escape in a model id is 400 in OpenAI's shape, not 503 auth_unavailable")
    void malformedEscape() {
        RawHttp.Response response = send("GET /v1/models/%zz HTTP/1.1\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(error(response).getString("type")).isEqualTo("invalid_request_error");
        assertThat(error(response).getString("code")).isEqualTo("invalid_path");
    }

    @Test
    @DisplayName("an absolute-form target is served by its path: the upstream gets an origin-form target")
    void absoluteForm() {
        String body = "{\"model\":\"model-a\",\"messages\":[]}";
        RawHttp.Response response = RawHttp.single(gateway.server().port(),
                "POST http://elsewhere.example/v1/chat/completions?x=1 HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                        + key.token() + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                        + "\r\nConnection: close\r\n\r\n" + body);

        assertThat(response.status()).isEqualTo(200);
        assertThat(upstream.received().get(0).uri()).isEqualTo("/v1/chat/completions?x=1");
        assertThat(send("GET http://elsewhere.example/metrics HTTP/1.1\r\n").status()).isEqualTo(404);
    }

    @Test
    @DisplayName("WebSocket upgrades are off: an upgrade request is answered as a plain request")
    void noWebSockets() {
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

        RawHttp.Response models = RawHttp.single(gateway.server().port(), "GET /v1/models HTTP/1.1\r\nHost: gateway\r\n"
                + "Authorization: Bearer " + key.token() + "\r\n" + upgrade + "\r\n");
        RawHttp.Response metrics = RawHttp.single(gateway.server().port(), "GET /metrics HTTP/1.1\r\nHost: gateway\r\n"
                + upgrade + "\r\n");

        assertThat(models.status()).isEqualTo(200);
        assertThat(new JsonObject(models.body()).getString("object")).isEqualTo("list");
        assertThat(metrics.status()).isEqualTo(404);
        assertThat(error(metrics).getString("code")).isEqualTo("unknown_url");
    }

    @Test
    @DisplayName("h2c is off unless configured: neither the prior-knowledge preface nor Upgrade: h2c switches protocol")
    void noH2c() {
        String preface = RawHttp.rawExchange(gateway.server().port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                Duration.ofSeconds(3));
        RawHttp.Response upgrade = send("GET /v1/models HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n");

        // An HTTP/2 server answers the preface with a binary SETTINGS frame; an HTTP/1.1 one refuses it in text or hangs up.
        assertThat(preface).satisfiesAnyOf(p -> assertThat(p).isEmpty(), p -> assertThat(p).matches("(?s)HTTP/\\d\\.\\d [45]\\d\\d .*"));
        assertThat(upgrade.status()).isEqualTo(200);
    }

    @Test
    @DisplayName("a client that connects and says nothing is disconnected after the idle timeout")
    void idleClient() {
        assertThat(RawHttp.closedByServerWhenIdle(gateway.server().port(), Duration.ofSeconds(15))).isTrue();
    }
}
