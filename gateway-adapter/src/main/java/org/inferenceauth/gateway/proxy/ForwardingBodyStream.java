package org.inferenceauth.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A response body that wraps the upstream's: flow control (pause, resume, fetch) goes straight
 * to the upstream, so back-pressure from a slow client reaches the inference server unchanged.
 * Subclasses decide what the data, end and failure handlers see.
 */
abstract class ForwardingBodyStream implements ReadStream<Buffer>, ReadBatches {

    protected final ReadStream<Buffer> upstream;

    ForwardingBodyStream(ReadStream<Buffer> upstream) {
        this.upstream = upstream;
    }

    /** Every buffer a subclass passes on is passed while the upstream hands one over: the batches are the upstream's. */
    @Override
    public final boolean batchEndHandler(Handler<Void> handler) {
        return upstream instanceof ReadBatches batches && batches.batchEndHandler(handler);
    }

    @Override
    public final ReadStream<Buffer> pause() {
        upstream.pause();
        return this;
    }

    @Override
    public final ReadStream<Buffer> resume() {
        upstream.resume();
        return this;
    }

    @Override
    public final ReadStream<Buffer> fetch(long amount) {
        upstream.fetch(amount);
        return this;
    }
}
