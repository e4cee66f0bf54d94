package org.inferenceauth.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * An upstream body a test feeds by hand (through the handlers it was given); whether it is paused.
 * With {@code tellsBatches}, it says where its reads end (as the gateway's own upstream connections do).
 */
final class FedBody implements ReadStream<Buffer>, ReadBatches {
    boolean tellsBatches;
    Handler<Void> batchEnd;
    Handler<Buffer> data;
    Handler<Void> end;
    Handler<Throwable> failure;
    boolean paused = true;

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        data = handler;
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        failure = handler;
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
        end = handler;
        return this;
    }

    @Override
    public boolean batchEndHandler(Handler<Void> handler) {
        batchEnd = handler;
        return tellsBatches;
    }

    @Override
    public ReadStream<Buffer> pause() {
        paused = true;
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        paused = false;
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        return this;
    }
}
