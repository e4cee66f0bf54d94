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
final class TappedStream extends ForwardingBodyStream {

    private final UnaryOperator<Buffer> tap;

    TappedStream(ReadStream<Buffer> upstream, UnaryOperator<Buffer> tap) {
        super(upstream);
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
}
