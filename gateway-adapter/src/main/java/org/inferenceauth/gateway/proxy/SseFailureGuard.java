package org.inferenceauth.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.inferenceauth.gateway.errors.OpenAiError;

/**
 * A pass-through view of an upstream SSE body (nothing is buffered) that turns an upstream failure
 * in the middle of the stream into what vLLM itself sends on errors: a final
 * {@code data: {"error":{...}}} event and {@code data: [DONE]}, then a clean end. OpenAI SDKs raise
 * their streaming error for it, instead of a bare connection reset.
 */
final class SseFailureGuard implements ReadStream<Buffer> {

    private final ReadStream<Buffer> upstream;
    private Handler<Buffer> dataHandler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private boolean atEventBoundary = true;

    SseFailureGuard(ReadStream<Buffer> upstream) {
        this.upstream = upstream;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        this.dataHandler = handler;
        upstream.handler(handler == null ? null : buffer -> {
            atEventBoundary = endsWithBlankLine(buffer);
            handler.handle(buffer);
        });
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
        upstream.endHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        upstream.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        upstream.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        upstream.fetch(amount);
        return this;
    }

    private void upstreamFailed(Throwable failure) {
        if (dataHandler == null || endHandler == null) {
            exceptionHandler.handle(failure);
            return;
        }
        OpenAiError error = UpstreamFailures.toError(failure).code().equals("upstream_timeout")
                ? OpenAiError.upstreamTimeout() : OpenAiError.upstreamBrokeOff();
        String event = (atEventBoundary ? "" : "\n\n") + "data: " + error.body() + "\n\ndata: [DONE]\n\n";
        dataHandler.handle(Buffer.buffer(event));
        endHandler.handle(null);
    }

    private static boolean endsWithBlankLine(Buffer buffer) {
        int n = buffer.length();
        return n >= 2 && buffer.getByte(n - 1) == '\n' && buffer.getByte(n - 2) == '\n';
    }
}
