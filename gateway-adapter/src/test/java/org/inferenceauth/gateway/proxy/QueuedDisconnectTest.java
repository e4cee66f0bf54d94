package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.inferenceauth.gateway.testing.Eventually;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * With every upstream connection busy, calls wait in line at the gateway. A caller that gives up
 * while waiting must cost the model nothing: its call is never sent, and it does not hold up the
 * callers behind it.
 */
@DisplayName("A client that disconnects while its call waits for an upstream connection")
class QueuedDisconnectTest {

    static Vertx vertx;
    static FakeKeycloak keycloak;
    static HttpServer prefilling;
    static GatewayFixture gateway;
    /** The bodies of the chat calls the upstream got, in order. */
    static final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = ProductionVertx.create();
        keycloak = new FakeKeycloak(vertx).start();
        prefilling = PrefillDisconnectTest.prefillingUpstream(vertx,
                request -> request.body().onSuccess(body -> received.add(body.toString())));
        // One event loop with one upstream connection: the second call waits for the first.
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(),
                "http://127.0.0.1:" + prefilling.actualPort() + "/v1",
                Map.of("GATEWAY_EVENT_LOOPS", "1", "GATEWAY_UPSTREAM_MAX_CONNECTIONS", "1")));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    Socket call(FakeKeycloak.Key key, String caller) throws IOException {
        String body = "{\"model\":\"model-a\",\"messages\":[],\"user\":\"" + caller + "\"}";
        Socket client = new Socket("127.0.0.1", gateway.server().port());
        OutputStream out = client.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + key.token()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return client;
    }

    @Test
    @DisplayName("is never sent upstream, and the next caller in line gets the connection")
    void abandonedWhileWaiting() throws Exception {
        FakeKeycloak.Key key = keycloak.mintKey("patient");
        Socket first = call(key, "first");
        Eventually.within(Duration.ofSeconds(30), () -> received.size() == 1);
        Socket second = call(key, "second");
        Thread.sleep(300); // admitted, and waiting for the only connection
        second.close();
        Thread.sleep(300); // the gateway has seen it go
        first.close(); // its upstream call is reset: the connection comes free

        try (Socket third = call(key, "third")) {
            Eventually.within(Duration.ofSeconds(30), () -> received.size() == 2);
            Thread.sleep(300); // anything else on its way would have arrived by now
        }

        assertThat(received).hasSize(2);
        assertThat(received.get(0)).contains("\"first\"");
        assertThat(received.get(1)).contains("\"third\"");
    }
}
