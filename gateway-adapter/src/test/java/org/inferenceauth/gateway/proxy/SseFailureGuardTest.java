package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.timeout.ReadTimeoutException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("The SSE failure guard: whole events only, and an upstream failure as a final error event")
class SseFailureGuardTest {

    static final String ONE = "data: {\"n\":1}\n\n";
    static final String TWO = "data: {\"n\":2}\n\n";

    final FedBody upstream = new FedBody();
    final List<Buffer> out = new ArrayList<>();
    boolean ended;

    SseFailureGuardTest() {
        SseFailureGuard guard = new SseFailureGuard(upstream);
        guard.exceptionHandler(e -> { throw new AssertionError("the guard turns failures into events", e); });
        guard.handler(out::add);
        guard.endHandler(v -> ended = true);
    }

    void send(String... pieces) {
        for (String piece : pieces) {
            upstream.data.handle(Buffer.buffer(piece));
        }
    }

    String client() {
        StringBuilder all = new StringBuilder();
        out.forEach(b -> all.append(b.toString()));
        return all.toString();
    }

    @Test
    @DisplayName("a buffer of whole events passes through as it is, the same buffer, at once")
    void wholeEventsUntouched() {
        Buffer both = Buffer.buffer(ONE + TWO);

        upstream.data.handle(both);

        assertThat(out).singleElement().isSameAs(both);
    }

    @Test
    @DisplayName("an event split across buffers, even inside its blank line or a CRLF, reaches the client once whole")
    void splitEvent() {
        send("data: {\"n\"", ":1}\n");
        assertThat(client()).isEmpty();
        send("\n" + "data: {\"n\":2}\r", "\n\r\n");

        assertThat(client()).isEqualTo(ONE + "data: {\"n\":2}\r\n\r\n");
    }

    @Test
    @DisplayName("complete events go on at once; only the unfinished tail waits")
    void completePartGoesOn() {
        send(ONE + "data: {\"n\":");

        assertThat(client()).isEqualTo(ONE);
    }

    @Test
    @DisplayName("the upstream failing inside an event: the half is dropped, the client gets the error event and [DONE]")
    void failureMidEvent() {
        send(ONE, "data: {\"id\":\"x\",\"obj");
        upstream.failure.handle(new IOException("Connection reset by peer"));

        assertThat(client()).startsWith(ONE + "data: {\"error\":").endsWith("}\n\ndata: [DONE]\n\n").doesNotContain("obj");
        assertThat(errorEvent().getString("code")).isEqualTo("upstream_disconnected");
        assertThat(ended).isTrue();
    }

    @Test
    @DisplayName("the upstream failing between events: the error event follows directly")
    void failureBetweenEvents() {
        send(ONE);
        upstream.failure.handle(new IOException("Connection reset by peer"));

        assertThat(client()).startsWith(ONE + "data: {\"error\":");
        assertThat(errorEvent().getString("type")).isEqualTo("server_error");
    }

    @Test
    @DisplayName("an upstream that falls silent past the idle timeout ends with upstream_timeout")
    void timeout() {
        send(ONE);
        upstream.failure.handle(ReadTimeoutException.INSTANCE);

        assertThat(errorEvent().getString("code")).isEqualTo("upstream_timeout");
    }

    @Test
    @DisplayName("an upstream that ends normally after an unfinished event: the rest is passed on as it came")
    void endWithUnfinishedEvent() {
        send(ONE, "data: [DONE]\n");
        upstream.end.handle(null);

        assertThat(client()).isEqualTo(ONE + "data: [DONE]\n");
        assertThat(ended).isTrue();
    }

    @Test
    @DisplayName("an unfinished event over the bound is passed on (memory stays bounded); a failure then starts a new event")
    void oversizedEvent() {
        String huge = "data: " + "x".repeat(SseFailureGuard.MAX_HELD);
        send(huge, "yyy");
        assertThat(client()).isEqualTo(huge + "yyy");

        upstream.failure.handle(new IOException("reset"));

        assertThat(client()).startsWith(huge + "yyy\n\ndata: {\"error\":");
    }

    @ParameterizedTest(name = "{0} ends its last event at {1}")
    @CsvSource(delimiter = '|', value = {"a\\n\\n|3", "a\\r\\n\\r\\n|5", "a\\r\\r|3", "a\\n\\nb|3", "a\\n|0", "a\\r\\n|0",
            "a\\n\\nb\\n\\nc|6", "\\n\\n|2", "|0"})
    @DisplayName("event ends: a blank line after a line ending in LF, CRLF or CR")
    void eventEnds(String text, int end) {
        String unescaped = text == null ? "" : text.replace("\\n", "\n").replace("\\r", "\r");

        assertThat(SseFailureGuard.lastEventEnd(Buffer.buffer(unescaped), 0)).isEqualTo(end);
    }

    JsonObject errorEvent() {
        String all = client();
        int start = all.indexOf("data: {\"error\"") + 6;
        return new JsonObject(all.substring(start, all.indexOf("\n", start))).getJsonObject("error");
    }
}
