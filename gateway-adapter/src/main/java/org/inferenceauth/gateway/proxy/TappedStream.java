package org.inferenceauth.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.function.UnaryOperator;

/**
 * A response body passed on buffer by buffer through a tap that may look at each buffer and pass
 * it, or a copy with parts taken out, at once: nothing is held back, so the client's timing is the
 * upstream's. A buffer the tap empties is not passed on at all.
 */
final class TappedStream implements ReadStream<Buffer> {

    private final ReadStream<Buffer> upstream;
    private final UnaryOperator<Buffer> tap;

    TappedStream(ReadStream<Buffer> upstream, UnaryOperator<Buffer> tap) {
        this.upstream = upstream;
        this.tap = tap;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        upstream.handler(handler == null ? null : buffer -> {
            Buffer out = tap.apply(buffer);
            if (out.length() > 0) {
                handler.handle(out);
            }
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        upstream.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
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
}
