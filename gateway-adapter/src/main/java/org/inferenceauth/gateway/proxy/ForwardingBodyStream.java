package org.inferenceauth.gateway.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A response body that wraps the upstream's: flow control (pause, resume, fetch) goes straight
 * to the upstream, so back-pressure from a slow client reaches the inference server unchanged.
 * Subclasses decide what the data, end and failure handlers see.
 */
abstract class ForwardingBodyStream implements ReadStream<Buffer> {

    protected final ReadStream<Buffer> upstream;

    ForwardingBodyStream(ReadStream<Buffer> upstream) {
        this.upstream = upstream;
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
