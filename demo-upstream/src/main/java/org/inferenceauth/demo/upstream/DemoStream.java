package org.inferenceauth.demo.upstream;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * DEMO ONLY. One streamed answer in vLLM's SSE framing: a role chunk (chat), a chunk per word
 * paced by the chunk delay, a finish chunk, an optional usage chunk, {@code data: [DONE]}.
 * Stops as soon as the client goes away, like vLLM aborting a generation.
 */
final class DemoStream {

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final Duration chunkDelay;
    private final boolean chat;
    private final String model;
    private final List<String> words;
    private final int promptTokens;
    private final boolean includeUsage;
    private final boolean continuousUsage;
    private final StreamFailure failure;
    private final Buffer sent;
    private final Consumer<Boolean> onEnd;
    private final String id;
    private final long created = Instant.now().getEpochSecond();
    private int next;
    private boolean closed;

    /**
     * @param continuousUsage vLLM's {@code continuous_usage_stats}: every chunk carries the running usage
     * @param failure how and after how many words the stream breaks off (for tests)
     * @param sent receives every byte written (tests compare it with what a client behind a gateway got)
     * @param onEnd called once with {@code true} if the client went away first, {@code false} when the stream completed */
    DemoStream(Vertx vertx, HttpServerResponse response, Duration chunkDelay, boolean chat, String model,
               List<String> words, int promptTokens, boolean includeUsage, boolean continuousUsage, StreamFailure failure,
               Buffer sent, Consumer<Boolean> onEnd) {
        this.vertx = vertx;
        this.response = response;
        this.chunkDelay = chunkDelay;
        this.chat = chat;
        this.model = model;
        this.words = words;
        this.promptTokens = promptTokens;
        this.includeUsage = includeUsage;
        this.continuousUsage = includeUsage && continuousUsage; // vLLM ignores it without include_usage
        this.failure = failure;
        this.sent = sent;
        this.onEnd = onEnd;
        this.id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
    }

    void start() {
        response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
        response.closeHandler(v -> {
            if (!closed) {
                closed = true;
                onEnd.accept(true);
            }
        });
        if (chat) {
            send(DemoResponses.chatChunk(id, created, model, new JsonObject().put("role", "assistant").put("content", ""), null));
        }
        schedule();
    }

    private void schedule() {
        if (chunkDelay.isZero()) {
            vertx.runOnContext(v -> step());
        } else {
            vertx.setTimer(chunkDelay.toMillis(), t -> step());
        }
    }

    private void step() {
        if (closed) {
            return;
        }
        if (next == failure.afterChunks()) {
            fail();
            return;
        }
        if (next < words.size()) {
            String text = (next == 0 ? "" : " ") + words.get(next++);
            send(chat ? DemoResponses.chatChunk(id, created, model, new JsonObject().put("content", text), null)
                    : DemoResponses.textChunk(id, created, model, text, null));
            schedule();
            return;
        }
        send(chat ? DemoResponses.chatChunk(id, created, model, new JsonObject(), "stop")
                : DemoResponses.textChunk(id, created, model, "", "stop"));
        if (includeUsage) {
            send(DemoResponses.usageChunk(id, created, model, chat, promptTokens, words.size()));
        }
        closed = true;
        onEnd.accept(false);
        end();
    }

    private void fail() {
        switch (failure.how()) {
            case RESET_MID_EVENT -> {
                // A crashed inference server: half an event, then the connection drops.
                write("data: {\"id\":\"" + id + "\",\"obj");
                vertx.setTimer(20, t -> response.reset());
            }
            case RESET_BETWEEN_EVENTS -> vertx.setTimer(20, t -> response.reset());
            case ERROR_EVENT -> {
                send(StreamFailure.vllmError());
                closed = true;
                onEnd.accept(false);
                end();
            }
        }
    }

    private void send(JsonObject event) {
        if (continuousUsage && !event.containsKey("usage") && !event.getJsonArray("choices", new JsonArray()).isEmpty()) {
            // Running totals in every chunk, as vLLM's continuous_usage_stats.
            int completion = event.getJsonArray("choices").getJsonObject(0).getValue("finish_reason") != null
                    ? words.size() : next;
            event.put("usage", DemoResponses.usage(promptTokens, completion));
        }
        write("data: " + event.encode() + "\n\n");
    }

    private void write(String text) {
        sent.appendString(text);
        response.write(text);
    }

    private void end() {
        sent.appendString("data: [DONE]\n\n");
        response.end("data: [DONE]\n\n");
    }
}
