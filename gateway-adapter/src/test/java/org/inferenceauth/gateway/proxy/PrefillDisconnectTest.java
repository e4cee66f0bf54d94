package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A client that gives up while the model is still reading its prompt (no response headers yet, so
 * nothing is being relayed) must not leave the upstream working for nobody: its call is reset.
 */
@DisplayName("A client that disconnects before the upstream answers cancels the upstream call")
class PrefillDisconnectTest {

    static Vertx vertx;
    static FakeKeycloak keycloak;
    static HttpServer prefilling;
    static GatewayFixture gateway;
    static final CountDownLatch received = new CountDownLatch(1);
    static final CountDownLatch upstreamCallClosed = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        vertx = ProductionVertx.create();
        keycloak = new FakeKeycloak(vertx).start();
        prefilling = prefillingUpstream(vertx, request -> {
            request.connection().closeHandler(v -> upstreamCallClosed.countDown());
            request.body().onSuccess(body -> received.countDown());
        });
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(),
                "http://127.0.0.1:" + prefilling.actualPort() + "/v1", Map.of()));
    }

    /** An upstream that lists one model and never answers a chat completion (an endless prefill); {@code chat} sees each call. */
    static HttpServer prefillingUpstream(Vertx vertx, Handler<HttpServerRequest> chat) {
        return vertx.createHttpServer().requestHandler(request -> {
            if (request.path().endsWith("/models")) {
                request.response().putHeader("content-type", "application/json")
                        .end("{\"object\":\"list\",\"data\":[{\"id\":\"model-a\",\"object\":\"model\"}]}");
                return;
            }
            chat.handle(request);
        }).listen(0, "127.0.0.1").await();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    @Test
    @DisplayName("the upstream connection of the abandoned call is closed")
    void disconnectDuringPrefill() throws Exception {
        FakeKeycloak.Key key = keycloak.mintKey("impatient");
        String body = "{\"model\":\"model-a\",\"messages\":[]}";
        try (Socket client = new Socket("127.0.0.1", gateway.server().port())) {
            OutputStream out = client.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + key.token()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(received.await(30, TimeUnit.SECONDS)).as("the upstream got the call").isTrue();
        } // the client closes its connection here

        assertThat(upstreamCallClosed.await(30, TimeUnit.SECONDS)).as("the upstream call was reset").isTrue();
    }
}
