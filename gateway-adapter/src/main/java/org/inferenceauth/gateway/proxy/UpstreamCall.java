package org.inferenceauth.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One request and its answer on a pooled upstream connection ({@link UpstreamConnections}), on
 * Netty's HTTP codec directly: the answer's head is handed to its listener, its body is a paused
 * {@link ReadStream} with back-pressure on the connection's reads. The connection goes back to its
 * pool once the whole answer was read and both sides keep it alive; a failure, a reset or an idle
 * upstream closes it. The connection's reads are the body's batches ({@link ReadBatches}).
 */
final class UpstreamCall implements ReadStream<Buffer>, UpstreamAnswer, ReadBatches {

    private static final Object END = new Object();

    private final UpstreamConnections.Connection connection;
    private final Channel channel;
    /** Silence for this long, waiting for the head (a long prefill) or mid-body, ends the call; 0: never. */
    final long idleTimeoutNanos;
    /** Told of the answer's head or of a failure before it, once; null after. */
    private UpstreamConnections.CallListener head;
    private HttpResponse response;
    private boolean keepAlive;
    private boolean interim;
    private long lastRead = System.nanoTime();
    private boolean done;

    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private Handler<Void> batchEndHandler;
    private boolean paused = true;
    /** Buffers (and the end) read while paused: one read can decode more than one body part. */
    private final ArrayDeque<Object> pending = new ArrayDeque<>(2);

    UpstreamCall(UpstreamConnections.Connection connection, long idleTimeoutMillis, UpstreamConnections.CallListener head) {
        this.connection = connection;
        this.channel = connection.channel;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        this.head = head;
    }

    @Override
    public int status() {
        return response.status().code();
    }

    @Override
    public String statusMessage() {
        return response.status().reasonPhrase();
    }

    @Override
    public String header(String name) {
        return response.headers().get(name);
    }

    @Override
    public Iterable<Map.Entry<String, String>> headers() {
        return response.headers();
    }

    @Override
    public ReadStream<Buffer> body() {
        return this;
    }

    @Override
    public void discard() {
        handler = null;
        endHandler = null;
        resume();
    }

    /** From the connection's pipeline: the answer's parts as Netty decodes them. */
    void read(Object message) {
        if (done) {
            ReferenceCountUtil.release(message);
            return;
        }
        lastRead = System.nanoTime();
        if (message instanceof HttpResponse answer) {
            if (answer.decoderResult().isFailure()) {
                fail(answer.decoderResult().cause());
                return;
            }
            if (answer.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                interim = true; // 100 Continue, 103 Early Hints: the real answer follows (101 never: no upgrade is asked)
                ReferenceCountUtil.release(message);
                return;
            }
            response = answer;
            keepAlive = HttpUtil.isKeepAlive(answer);
            UpstreamConnections.CallListener listener = head;
            if (listener != null) {
                head = null;
                listener.answered(this);
            }
        }
        if (message instanceof HttpContent part) {
            if (interim) { // the interim answer's (empty) end
                interim = !(part instanceof LastHttpContent);
                part.release();
                return;
            }
            if (part.decoderResult().isFailure()) { // a broken chunk: never passed on as the body's end
                part.release();
                fail(part.decoderResult().cause());
                return;
            }
            ByteBuf content = part.content();
            try {
                if (content.isReadable()) {
                    // A heap copy, as Vert.x's client hands over: the taps scan arrays in place.
                    byte[] bytes = new byte[content.readableBytes()];
                    content.getBytes(content.readerIndex(), bytes);
                    deliver(Buffer.buffer(bytes));
                }
            } finally {
                part.release();
            }
            if (part instanceof LastHttpContent) {
                finish();
            }
        }
    }

    /** From the connection's pipeline: all that one read decoded was handed to {@link #read}. */
    void readComplete() {
        if (batchEndHandler != null) {
            batchEndHandler.handle(null);
        }
    }

    private void finish() {
        done = true;
        if (keepAlive) {
            channel.config().setAutoRead(true); // a paused call may end with reads off: the next call needs them
            connection.release();
        } else {
            channel.close();
        }
        deliver(END);
    }

    /** The connection closed, or its pipeline failed, before the answer's end. */
    void fail(Throwable failure) {
        if (done) {
            return;
        }
        done = true;
        channel.close();
        UpstreamConnections.CallListener listener = head;
        if (listener != null) {
            head = null;
            listener.failed(failure);
        } else {
            pending.clear();
            if (exceptionHandler != null) {
                exceptionHandler.handle(failure);
            }
        }
    }

    @Override
    public void reset(Throwable cause) {
        fail(cause);
    }

    /** When the upstream, silent since it last sent something, will have been silent too long ({@link System#nanoTime()}). */
    long idleDeadline() {
        return lastRead + idleTimeoutNanos;
    }

    /** How long the upstream may still be silent before the call fails ({@link UpstreamConnections}' idle check). */
    long idleNanosLeft(long now) {
        return done || idleTimeoutNanos <= 0 ? Long.MAX_VALUE : idleTimeoutNanos - (now - lastRead);
    }

    private void deliver(Object item) {
        if (paused || !pending.isEmpty()) {
            pending.add(item);
            if (!paused) {
                drain();
            }
            return;
        }
        emit(item);
    }

    private void emit(Object item) {
        if (item == END) {
            if (endHandler != null) {
                endHandler.handle(null);
            }
        } else if (handler != null) {
            handler.handle((Buffer) item);
        }
    }

    private void drain() {
        Object item;
        boolean emitted = false;
        while (!paused && (item = pending.poll()) != null) {
            emit(item);
            emitted = true;
        }
        if (!done) {
            channel.config().setAutoRead(!paused);
        }
        if (emitted) { // held back by a pause, handed over now, outside any read: a batch of its own
            readComplete();
        }
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        this.handler = handler;
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        this.endHandler = endHandler;
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        return this;
    }

    @Override
    public boolean batchEndHandler(Handler<Void> handler) {
        this.batchEndHandler = handler;
        return true;
    }

    @Override
    public ReadStream<Buffer> pause() {
        if (!paused) {
            paused = true;
            if (!done) {
                channel.config().setAutoRead(false);
            }
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        if (paused) {
            paused = false;
            drain();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        return resume();
    }
}
