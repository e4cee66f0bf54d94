package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Server-sent events pass through the gateway unbuffered")
class StreamingTest {

    static final Duration CHUNK_DELAY = Duration.ofMillis(150);

    static Vertx vertx;
    static DemoUpstream slow;
    static GatewayFixture gateway;
    static FakeKeycloak.Key key;

    @BeforeAll
    static void start() throws Exception {
        vertx = ProductionVertx.create();
        FakeKeycloak keycloak = new FakeKeycloak(vertx).start();
        slow = new DemoUpstream(vertx, List.of("model-a"), CHUNK_DELAY).start("127.0.0.1", 0).await();
        gateway = GatewayFixture.start(vertx, GatewayFixture.env(keycloak.issuer(), slow.baseUrl(), Map.of()));
        key = keycloak.mintKey("streamer");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    static HttpRequest streamingRequest(boolean includeUsage) {
        return streamingRequest(includeUsage, -1);
    }

    static HttpRequest streamingRequest(boolean includeUsage, int failAfterChunks) {
        return streamingRequest(body(includeUsage).put("demo_fail_after_chunks", failAfterChunks));
    }

    static JsonObject body(boolean includeUsage) {
        JsonObject body = new JsonObject().put("model", "model-a").put("stream", true)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "stream please")));
        if (includeUsage) {
            body.put("stream_options", new JsonObject().put("include_usage", true));
        }
        return body;
    }

    static HttpRequest streamingRequest(JsonObject body) {
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key.token())
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build();
    }

    @Test
    @DisplayName("the first event reaches the client while the upstream is still generating: nothing waits for the end")
    void firstEventWhileUpstreamGenerates() throws Exception {
        int completed = slow.completedStreams();
        int aborted = slow.abortedStreams();
        // Two seconds a word: the upstream needs most of a minute for the whole answer. A gateway that
        // buffered would hand over the first event only after that, when the upstream has completed.
        HttpResponse<InputStream> response = gateway.http().send(streamingRequest(body(false).put("demo_chunk_delay_ms", 2000)),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String first = reader.readLine();

            assertThat(first).startsWith("data: ").contains("\"role\":\"assistant\"");
            assertThat(slow.completedStreams()).as("the upstream is still generating").isEqualTo(completed);
        }
        // Closing the stream cancels the upstream's generation; wait for it, so no later test counts it.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (slow.abortedStreams() == aborted && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(slow.abortedStreams()).isEqualTo(aborted + 1);
    }

    @Test
    @DisplayName("framing is preserved byte for byte: data lines, blank lines, the usage chunk, [DONE]")
    void framing() throws Exception {
        long started = System.nanoTime();
        HttpResponse<InputStream> response = gateway.http().send(streamingRequest(true), HttpResponse.BodyHandlers.ofInputStream());
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        }
        Duration whole = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(response.headers().firstValue("x-accel-buffering")).hasValue("no");
        List<String> events = lines.stream().filter(l -> !l.isEmpty()).toList();
        int words = events.size() - 4; // role chunk, finish chunk, usage chunk, [DONE]
        assertThat(words).isGreaterThan(10);
        // The upstream paces the words (a lower bound only: a busy machine makes it slower, never faster).
        assertThat(whole).isGreaterThan(CHUNK_DELAY.multipliedBy(words - 1));
        // Exact framing: every event is "data: ..." followed by one blank line; the last is [DONE].
        for (int i = 0; i < lines.size(); i += 2) {
            assertThat(lines.get(i)).startsWith("data: ");
            assertThat(lines.get(i + 1)).isEmpty();
        }
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        JsonObject usage = new JsonObject(events.get(events.size() - 2).substring(6));
        assertThat(usage.getJsonArray("choices")).isEmpty();
        assertThat(usage.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(words);
    }

    @Test
    @DisplayName("an upstream that dies mid-stream ends the stream with an OpenAI error event and [DONE], not a reset")
    void upstreamDiesMidStream() throws Exception {
        HttpResponse<String> response = gateway.http().send(streamingRequest(false, 3), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = response.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        JsonObject error = new JsonObject(events.get(events.size() - 2).substring(6)).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("upstream_disconnected");
        assertThat(error.getString("type")).isEqualTo("server_error");
        assertThat(response.body()).contains("\n\ndata: {\"error\"");
        assertThat(events.stream().filter(e -> e.contains("\"content\"")).count()).isEqualTo(4); // role chunk + 3 words
    }

    @Test
    @DisplayName("a client that disconnects mid-stream cancels the upstream request")
    void disconnectCancelsUpstream() throws Exception {
        int abortedBefore = slow.abortedStreams();
        HttpResponse<InputStream> response = gateway.http().send(streamingRequest(false), HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = response.body();
        byte[] first = new byte[16];
        assertThat(body.read(first)).isPositive();
        body.close(); // the JDK client closes the connection

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // generous: only the outcome is asserted
        while (slow.abortedStreams() == abortedBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(slow.abortedStreams()).isEqualTo(abortedBefore + 1);
    }
}
