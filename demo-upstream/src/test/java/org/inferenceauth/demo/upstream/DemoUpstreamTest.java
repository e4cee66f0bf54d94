package org.inferenceauth.demo.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The demo upstream behaves as vLLM under uvicorn wherever the gateway in front of it could notice. */
@DisplayName("The demo upstream, as strict as vLLM")
class DemoUpstreamTest {

    static final String KEY = "upstream-key";

    Vertx vertx;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    DemoUpstream demo(DemoUpstream configured) {
        return configured.start("127.0.0.1", 0).await();
    }

    DemoUpstream plain() {
        return demo(new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO));
    }

    HttpResponse<String> get(DemoUpstream demo, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + path))
                .timeout(Duration.ofSeconds(20));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(DemoUpstream demo, String path, JsonObject body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + path))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Nested
    @DisplayName("vllm serve --api-key")
    class ApiKey {

        @Test
        @DisplayName("every /v1 path needs the key as a bearer token; a refusal is vLLM's exact 401")
        void required() throws Exception {
            DemoUpstream demo = demo(new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).requireApiKey(KEY));

            HttpResponse<String> none = get(demo, "/v1/models");
            HttpResponse<String> wrong = get(demo, "/v1/models", "authorization", "Bearer not-it");
            HttpResponse<String> basic = get(demo, "/v1/models", "authorization", "Basic " + KEY);
            HttpResponse<String> right = get(demo, "/v1/models", "authorization", "bearer " + KEY);

            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).isEqualTo("{\"error\":\"Unauthorized\"}");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(basic.statusCode()).isEqualTo(401);
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(demo.unauthorized()).isEqualTo(3);
        }

        @Test
        @DisplayName("like vLLM, /health and /metrics stay open even with a key (why the gateway's allow-list hides them)")
        void extrasOpen() throws Exception {
            DemoUpstream demo = demo(new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).requireApiKey(KEY));

            assertThat(get(demo, "/health").statusCode()).isEqualTo(200);
            assertThat(get(demo, "/metrics").statusCode()).isEqualTo(200);
            assertThat(get(demo, "/metrics").body()).contains("vllm:");
        }
    }

    @Nested
    @DisplayName("streamed usage")
    class StreamedUsage {

        List<JsonObject> events(DemoUpstream demo, JsonObject options) throws Exception {
            JsonObject body = new JsonObject().put("model", "model-a").put("stream", true)
                    .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "one two three")));
            if (options != null) {
                body.put("stream_options", options);
            }
            HttpResponse<String> answer = post(demo, "/v1/chat/completions", body, "x-request-id", "r-" + System.nanoTime());
            assertThat(answer.body()).endsWith("data: [DONE]\n\n");
            return answer.body().lines().filter(l -> l.startsWith("data: {")).map(l -> new JsonObject(l.substring(6))).toList();
        }

        @Test
        @DisplayName("without include_usage no chunk carries usage; with it one last chunk with empty choices does, exactly")
        void finalChunk() throws Exception {
            DemoUpstream demo = plain();
            assertThat(events(demo, null)).allMatch(e -> !e.containsKey("usage"));
            List<JsonObject> events = events(demo, new JsonObject().put("include_usage", true));
            JsonObject last = events.get(events.size() - 1);
            int words = events.size() - 3; // role chunk, words, finish chunk, usage chunk
            assertThat(last.getJsonArray("choices")).isEmpty();
            assertThat(last.getJsonObject("usage").getMap()).containsOnly(
                    java.util.Map.entry("prompt_tokens", 3), java.util.Map.entry("completion_tokens", words),
                    java.util.Map.entry("total_tokens", 3 + words));
            assertThat(events.subList(0, events.size() - 1)).allMatch(e -> !e.containsKey("usage"));
        }

        @Test
        @DisplayName("continuous_usage_stats: running totals in every chunk, ending at the final count; ignored without include_usage")
        void runningTotals() throws Exception {
            DemoUpstream demo = plain();
            assertThat(events(demo, new JsonObject().put("continuous_usage_stats", true))).allMatch(e -> !e.containsKey("usage"));
            List<JsonObject> events = events(demo, new JsonObject().put("include_usage", true).put("continuous_usage_stats", true));
            List<Integer> completion = events.stream().map(e -> e.getJsonObject("usage").getInteger("completion_tokens")).toList();
            int words = events.size() - 3;
            assertThat(completion.get(0)).isZero();
            assertThat(completion).isSorted().endsWith(words, words);
            assertThat(events).allMatch(e -> e.getJsonObject("usage").getInteger("prompt_tokens") == 3);
        }

        @Test
        @DisplayName("the bytes a stream sent are kept by request id, exactly as the client received them")
        void sentBytes() throws Exception {
            DemoUpstream demo = plain();
            JsonObject body = new JsonObject().put("model", "model-a").put("stream", true)
                    .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
            HttpResponse<String> answer = post(demo, "/v1/chat/completions", body, "x-request-id", "recorded-1");
            assertThat(demo.streamSent("recorded-1").toString(StandardCharsets.UTF_8)).isEqualTo(answer.body());
        }
    }

    @Nested
    @DisplayName("POST /v1/embeddings")
    class Embeddings {

        @Test
        @DisplayName("OpenAI's shape: a list of embedding objects, the model, and usage with prompt and total tokens")
        void shape() throws Exception {
            JsonObject answer = new JsonObject(post(plain(), "/v1/embeddings",
                    new JsonObject().put("model", "model-a").put("input", new JsonArray().add("hello world").add("bye"))).body());

            assertThat(answer.fieldNames()).containsExactlyInAnyOrder("object", "data", "model", "usage");
            assertThat(answer.getString("object")).isEqualTo("list");
            assertThat(answer.getString("model")).isEqualTo("model-a");
            assertThat(answer.getJsonObject("usage").getMap()).containsOnly(
                    java.util.Map.entry("prompt_tokens", 3), java.util.Map.entry("total_tokens", 3));
            JsonArray data = answer.getJsonArray("data");
            assertThat(data).hasSize(2);
            JsonObject first = data.getJsonObject(0);
            assertThat(first.fieldNames()).containsExactlyInAnyOrder("object", "index", "embedding");
            assertThat(first.getString("object")).isEqualTo("embedding");
            assertThat(data.getJsonObject(1).getInteger("index")).isEqualTo(1);
            assertThat(first.getJsonArray("embedding")).hasSize(DemoEmbeddings.DEFAULT_DIMENSIONS);
        }

        @Test
        @DisplayName("encoding_format base64: little-endian float32, the same vector as the float format")
        void base64() throws Exception {
            DemoUpstream demo = plain();
            JsonObject request = new JsonObject().put("model", "model-a").put("input", "hello").put("dimensions", 4);

            JsonArray floats = new JsonObject(post(demo, "/v1/embeddings", request).body())
                    .getJsonArray("data").getJsonObject(0).getJsonArray("embedding");
            String encoded = new JsonObject(post(demo, "/v1/embeddings", request.copy().put("encoding_format", "base64")).body())
                    .getJsonArray("data").getJsonObject(0).getString("embedding");

            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(bytes.remaining()).isEqualTo(4 * Float.BYTES);
            for (int i = 0; i < 4; i++) {
                assertThat(bytes.getFloat()).isEqualTo(floats.getNumber(i).floatValue());
            }
        }

        @Test
        @DisplayName("an unknown model is 404, a malformed input 400")
        void refusals() throws Exception {
            DemoUpstream demo = plain();

            assertThat(post(demo, "/v1/embeddings", new JsonObject().put("model", "nope").put("input", "x")).statusCode())
                    .isEqualTo(404);
            assertThat(post(demo, "/v1/embeddings", new JsonObject().put("model", "model-a").put("input", 42)).statusCode())
                    .isEqualTo(400);
        }
    }

    @Nested
    @DisplayName("streams that fail")
    class Failures {

        JsonObject streaming(int failAfter, String how) {
            return new JsonObject().put("model", "model-a").put("stream", true).put("demo_fail_after_chunks", failAfter)
                    .put("demo_fail_how", how)
                    .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
        }

        @Test
        @DisplayName("as vLLM reports a failed generation: one complete error event, [DONE], a clean end")
        void errorEvent() throws Exception {
            HttpResponse<String> response = post(plain(), "/v1/chat/completions", streaming(2, "error_event"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).endsWith("\n\ndata: {\"error\":{\"message\":\"Internal server error\","
                    + "\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}\n\ndata: [DONE]\n\n");
        }

        @Test
        @DisplayName("a crash in the middle of an event: half an event, then the connection is reset")
        void midEvent() {
            DemoUpstream demo = plain();

            assertThatThrownBy(() -> post(demo, "/v1/chat/completions", streaming(2, "reset_mid_event")))
                    .isInstanceOf(IOException.class);
        }

        @Test
        @DisplayName("a crash between events: the last event is whole, then the connection is reset")
        void betweenEvents() throws Exception {
            String seen = rawStream(plain(), streaming(2, "reset_between_events"));

            assertThat(seen).contains("\"content\":\" This\"").endsWith("\n\n").doesNotContain("[DONE]");
        }

        /** The bytes of a chunked response's body parts until the connection breaks (chunk sizes included). */
        String rawStream(DemoUpstream demo, JsonObject body) throws IOException {
            try (Socket socket = new Socket("127.0.0.1", demo.port())) {
                socket.setSoTimeout(20_000);
                byte[] json = body.encode().getBytes(StandardCharsets.UTF_8);
                socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: demo\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + json.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(json);
                StringBuilder seen = new StringBuilder();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                try {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException reset) {
                    // the end we expect
                }
                return dechunk(seen.substring(seen.indexOf("\r\n\r\n") + 4));
            }
        }

        /** The data of the complete chunks of a chunked body (an ASCII body, so chars count as bytes). */
        String dechunk(String chunked) {
            StringBuilder data = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = chunked.indexOf("\r\n", at);
                if (lineEnd < 0) {
                    return data.toString();
                }
                int size = Integer.parseInt(chunked.substring(at, lineEnd), 16);
                if (size == 0 || lineEnd + 2 + size > chunked.length()) {
                    return data.toString();
                }
                data.append(chunked, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
        }
    }

    @Nested
    @DisplayName("keep-alive, as uvicorn")
    class KeepAliveConnections {

        DemoUpstream keptAlive;

        /** A connection to a demo upstream with this keep-alive timeout and close delay. */
        Socket connection(Duration timeout, Duration closeLateBy) throws IOException {
            DemoUpstream demo = demo(new DemoUpstream(vertx, List.of("model-a"), Duration.ZERO).keepAlive(timeout, closeLateBy));
            keptAlive = demo;
            Socket socket = new Socket("127.0.0.1", demo.port());
            socket.setSoTimeout(20_000);
            return socket;
        }

        @Test
        @DisplayName("an idle keep-alive connection is closed after the keep-alive timeout")
        void closedWhenIdle() throws Exception {
            try (Socket socket = connection(Duration.ofMillis(300), Duration.ZERO)) {
                assertThat(exchange(socket)).startsWith("HTTP/1.1 200");

                assertThat(socket.getInputStream().read()).as("end of stream: the server closed").isEqualTo(-1);
            }
        }

        @Test
        @DisplayName("a request reusing a connection within the timeout is served on it")
        void reusedInTime() throws Exception {
            try (Socket socket = connection(Duration.ofMinutes(5), Duration.ZERO)) {
                assertThat(exchange(socket)).startsWith("HTTP/1.1 200");
                assertThat(exchange(socket)).startsWith("HTTP/1.1 200");
            }
        }

        @Test
        @DisplayName("a request that crosses the close (sent after the timeout, before the close arrived) is dropped unanswered")
        void crossingRequestDropped() throws Exception {
            try (Socket socket = connection(Duration.ofMillis(300), Duration.ofMinutes(5))) {
                assertThat(exchange(socket)).startsWith("HTTP/1.1 200");
                Thread.sleep(600);

                assertThat(exchange(socket)).as("no answer, the connection closed").isEmpty();
                assertThat(keptAlive.droppedByKeepAlive()).isEqualTo(1);
            }
        }

        /** Sends GET /health on the socket; returns the response head, or "" if the connection closed first. */
        String exchange(Socket socket) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: demo\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder head = new StringBuilder();
            InputStream in = socket.getInputStream();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b;
                try {
                    b = in.read();
                } catch (IOException reset) {
                    b = -1;
                }
                if (b < 0) {
                    return "";
                }
                head.append((char) b);
            }
            return head.toString(); // /health has an empty body (content-length: 0)
        }
    }
}
