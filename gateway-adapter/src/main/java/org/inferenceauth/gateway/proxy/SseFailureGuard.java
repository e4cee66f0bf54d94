package org.inferenceauth.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.inferenceauth.gateway.errors.OpenAiError;

/**
 * A pass-through view of an upstream SSE body that turns an upstream failure in the middle of the
 * stream into what vLLM itself sends on errors: a final {@code data: {"error":{...}}} event and
 * {@code data: [DONE]}, then a clean end. OpenAI SDKs raise their streaming error for it
 * ({@code SseException} in Java), instead of a bare connection reset.
 *
 * <p>For that, the client only ever gets whole events: an event the upstream has not finished
 * (no blank line yet) is held back until it is complete. SSE clients dispatch nothing before the
 * blank line anyway, so holding it costs them no time; but if the upstream dies inside it, the
 * half is dropped instead of reaching the client glued to the error event (an SDK would then fail
 * to parse the half and never see the error). Buffers that end on an event boundary, which is
 * how vLLM writes, pass through untouched. An unfinished event larger than {@link #MAX_HELD} (an
 * upstream that does not speak SSE) is passed on as it comes, so memory stays bounded.
 */
final class SseFailureGuard extends ForwardingBodyStream {

    static final int MAX_HELD = 256 * 1024;

    private Handler<Buffer> dataHandler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    /** The start of an event whose blank line has not arrived yet (a copy), or null. */
    private Buffer held;
    /** Part of an unfinished event was passed on (only for events over MAX_HELD). */
    private boolean midEvent;

    SseFailureGuard(ReadStream<Buffer> upstream) {
        super(upstream);
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        this.dataHandler = handler;
        upstream.handler(handler == null ? null : this::received);
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        upstream.exceptionHandler(handler == null ? null : this::upstreamFailed);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
        this.endHandler = handler;
        upstream.endHandler(handler == null ? null : v -> upstreamEnded());
        return this;
    }

    private void received(Buffer buffer) {
        if (held == null) {
            boolean whole = lastEventEnd(buffer, buffer.length() - 1) == buffer.length();
            if (whole || midEvent) { // the common case (whole events), and the rest of an oversized event
                midEvent = !whole;
                dataHandler.handle(buffer);
                return;
            }
        }
        int scanFrom = held == null ? 0 : held.length() - 4; // a blank line may straddle the two
        Buffer all = held == null ? buffer : held.appendBuffer(buffer);
        int end = lastEventEnd(all, scanFrom);
        held = end == all.length() ? null : all.getBuffer(end, all.length());
        if (end > 0) {
            dataHandler.handle(all.getBuffer(0, end));
        }
        if (held != null && held.length() > MAX_HELD) {
            Buffer oversized = held;
            held = null;
            midEvent = true;
            dataHandler.handle(oversized);
        }
    }

    private void upstreamEnded() {
        if (held != null) { // an unfinished last event: passed on as the upstream sent it
            Buffer rest = held;
            held = null;
            dataHandler.handle(rest);
        }
        endHandler.handle(null);
    }

    private void upstreamFailed(Throwable failure) {
        if (dataHandler == null || endHandler == null) {
            exceptionHandler.handle(failure);
            return;
        }
        held = null; // the broken event is dropped: the client has seen none of it
        OpenAiError error = UpstreamFailures.toError(failure).code().equals("upstream_timeout")
                ? OpenAiError.upstreamTimeout() : OpenAiError.upstreamBrokeOff();
        String event = (midEvent ? "\n\n" : "") + "data: " + error.body() + "\n\ndata: [DONE]\n\n";
        dataHandler.handle(Buffer.buffer(event));
        if (endHandler != null) { // a client already gone: writing the event detached the pipe
            endHandler.handle(null);
        }
    }

    /**
     * The index just past the last blank line in {@code buffer} (where its last complete event ends),
     * looking only at line ends from {@code from} on; 0 if there is none.
     */
    static int lastEventEnd(Buffer buffer, int from) {
        BufferBytes bytes = BufferBytes.of(buffer);
        return SseFraming.lastEventEnd(bytes.array(), bytes.from(), bytes.from() + Math.max(0, from), bytes.to())
                - bytes.from();
    }
}
