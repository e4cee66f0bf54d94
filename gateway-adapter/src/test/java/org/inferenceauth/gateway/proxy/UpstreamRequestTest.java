package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

/** What an upstream (vLLM) gets, and what the access log keeps, when clients send more than they should. */
@DisplayName("The upstream request: the gateway's request id, encoded identity headers, bounded log fields")
class UpstreamRequestTest {

    static Vertx vertx;
    static FakeKeycloak keycloak;
    static DemoUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        vertx = ProductionVertx.create();
        keycloak = new FakeKeycloak(vertx).start();
        upstream = new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(), Map.of()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    static HttpResponse<String> chat(FakeKeycloak.Key key, String model, String... headers) {
        String body = new JsonObject().put("model", model).put("messages", List.of()).encode();
        String[] all = new String[headers.length + 2];
        System.arraycopy(headers, 0, all, 0, headers.length);
        all[headers.length] = "authorization";
        all[headers.length + 1] = "Bearer " + key.token();
        return gateway.post("/v1/chat/completions", body, all);
    }

    @Test
    @DisplayName("client X-Request-Id and X-data-parallel-rank never reach vLLM; each request gets the gateway's own id, also sent back")
    void requestId() {
        FakeKeycloak.Key key = keycloak.mintKey("ida");

        HttpResponse<String> first = chat(key, "model-a", "X-Request-Id", "chosen-by-client", "X-data-parallel-rank", "3");
        MultiMap firstSeen = upstream.received().get(0).headers();
        HttpResponse<String> second = chat(key, "model-a", "X-Request-Id", "chosen-by-client");
        MultiMap secondSeen = upstream.received().get(0).headers();

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(firstSeen.getAll("x-request-id")).hasSize(1).doesNotContain("chosen-by-client");
        assertThat(firstSeen.get("x-data-parallel-rank")).isNull();
        assertThat(firstSeen.get("x-request-id")).matches("[0-9a-f]{32}").isNotEqualTo(secondSeen.get("x-request-id"));
        assertThat(first.headers().firstValue("x-request-id")).hasValue(firstSeen.get("x-request-id"));
        gateway.awaitAccessLogLine("\"request_id\":\"" + firstSeen.get("x-request-id") + "\"");
    }

    @Test
    @DisplayName("identity values outside ASCII are percent-encoded UTF-8 (and % itself), so they survive any proxy")
    void nonLatin1Names() {
        FakeKeycloak.Key key = keycloak.mintKey("zoë.李-100%");

        chat(key, "model-a");

        String sent = upstream.received().get(0).headers().get("x-auth-user");
        assertThat(sent).isEqualTo("zo%C3%AB.%E6%9D%8E-100%25");
        assertThat(URLDecoder.decode(sent, StandardCharsets.UTF_8)).isEqualTo("zoë.李-100%");
    }

    @Test
    @DisplayName("the access log keeps at most 200 characters of a client-chosen model name")
    void accessLogCapsModel() {
        FakeKeycloak.Key key = keycloak.mintKey("lou");
        String huge = "m".repeat(100_000);

        chat(key, huge);

        String line = gateway.awaitAccessLogLine("mmmmmmmmmm");
        String logged = new JsonObject(line).getString("model");
        assertThat(logged.length()).isLessThanOrEqualTo(201);
        assertThat(line.length()).isLessThan(2_000);
    }

    @Test
    @DisplayName("hop-by-hop headers, and those the client's Connection names, stay between the client and the gateway")
    void hopByHopHeaders() {
        FakeKeycloak.Key key = keycloak.mintKey("hop");
        String body = new JsonObject().put("model", "model-a").put("messages", List.of()).encode();

        RawHttp.Response response = RawHttp.single(gateway.server().port(), "POST /v1/chat/completions HTTP/1.1\r\n"
                + "Host: gateway\r\nAuthorization: Bearer " + key.token() + "\r\nContent-Type: application/json\r\n"
                + "Connection: keep-alive, X-Hop-Secret\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                + "X-Hop-Secret: for-the-gateway-only\r\nX-End-To-End: kept\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);

        MultiMap seen = upstream.received().get(0).headers();
        assertThat(response.status()).isEqualTo(200);
        assertThat(seen.get("x-hop-secret")).isNull();
        assertThat(seen.get("keep-alive")).isNull();
        assertThat(seen.get("te")).isNull();
        assertThat(seen.get("x-end-to-end")).isEqualTo("kept");
        assertThat(seen.get("content-length")).isEqualTo(String.valueOf(body.length()));
    }

    @Test
    @DisplayName("a body framed by any Transfer-Encoding but chunked is refused with an OpenAI error, never relayed")
    void unsupportedTransferEncoding() {
        FakeKeycloak.Key key = keycloak.mintKey("framing");
        int before = upstream.received().size();

        RawHttp.Response response = RawHttp.single(gateway.server().port(), "POST /v1/chat/completions HTTP/1.1\r\n"
                + "Host: gateway\r\nAuthorization: Bearer " + key.token() + "\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code"))
                .isEqualTo("unsupported_transfer_encoding");
        assertThat(upstream.received()).hasSize(before);
    }

    @Test
    @DisplayName("an HTTP/1.0 client, which cannot read chunks, gets a streamed answer whole, with its length")
    void http10ClientGetsWholeStream() {
        FakeKeycloak.Key key = keycloak.mintKey("old-client");
        String body = new JsonObject().put("model", "model-a").put("stream", true).put("messages", List.of()).encode();

        RawHttp.Response response = RawHttp.single(gateway.server().port(), "POST /v1/chat/completions HTTP/1.0\r\n"
                + "Host: gateway\r\nAuthorization: Bearer " + key.token() + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("transfer-encoding")).isNull();
        assertThat(response.header("content-length")).isEqualTo(String.valueOf(response.body().length()));
        assertThat(response.body()).startsWith("data: ").endsWith("data: [DONE]\n\n");
    }
}
