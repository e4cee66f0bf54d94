package org.inferenceauth.gateway.proxy;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;

/**
 * Pipes an upstream body to the client with back-pressure both ways, like Vert.x's pipe, but with
 * one write fewer when it can: every write to a response is a flush, and a flush is a syscall and
 * a TCP segment (which wakes the client). The buffer last received waits until the upstream's
 * read that brought it is handed over ({@link ReadBatches}; for other streams, until the event
 * loop's current turn ends), and goes out with the response's end if that comes from the same
 * read, as it does for a body read in one go (a whole JSON answer, the chunk with {@code [DONE]}
 * and the terminating chunk): one write instead of two. Nothing waits longer than the read that
 * brought it, so a stream keeps the upstream's timing. A body that ended before the response's head
 * went out is sent with its length rather than in chunks: no chunk framing, and one buffer (the
 * head with the body) instead of four for the socket to gather.
 *
 * <p>On an upstream failure the client is not ended (the caller resets both sides); a buffer still
 * waiting then is dropped with the reset.
 */
final class BodyPump {

    private final ReadStream<Buffer> body;
    private final HttpServerResponse out;
    private final Handler<Throwable> failed;
    private final Context context;
    /** The body tells where its reads end: nothing to schedule. */
    private boolean batched;
    private final Handler<Void> writeWaiting = v -> writeWaiting();
    private final Handler<Void> resumeBody = v -> resumeBody();
    private Buffer waiting;
    private boolean writeScheduled;
    private boolean finished;

    private BodyPump(ReadStream<Buffer> body, HttpServerResponse out, Handler<Throwable> failed) {
        this.body = body;
        this.out = out;
        this.failed = failed;
        this.context = Vertx.currentContext();
    }

    /**
     * Starts pumping a paused body; on the event loop of the response.
     *
     * @param failed told once if the upstream body or a write to the client fails
     */
    static void start(ReadStream<Buffer> body, HttpServerResponse out, Handler<Throwable> failed) {
        BodyPump pump = new BodyPump(body, out, failed);
        pump.batched = body instanceof ReadBatches batches && batches.batchEndHandler(pump.writeWaiting);
        body.handler(pump::received);
        body.endHandler(v -> pump.ended());
        body.exceptionHandler(pump::fail);
        body.resume();
    }

    private void received(Buffer buffer) {
        if (finished) {
            return;
        }
        if (waiting != null) {
            write(waiting);
        }
        waiting = buffer;
        if (batched) {
            return; // written at the end of the read that brought it
        }
        if (context == null) { // not on an event loop (never in the gateway): nothing to wait for
            writeWaiting();
        } else if (!writeScheduled) {
            writeScheduled = true;
            context.runOnContext(writeWaiting);
        }
    }

    private void writeWaiting() {
        writeScheduled = false;
        if (waiting != null && !finished) {
            Buffer buffer = waiting;
            waiting = null;
            write(buffer);
        }
    }

    private void write(Buffer buffer) {
        out.write(buffer).onFailure(this::fail);
        if (out.writeQueueFull()) {
            body.pause();
            out.drainHandler(resumeBody);
        }
    }

    private void resumeBody() {
        if (!finished) {
            body.resume();
        }
    }

    private void ended() {
        if (finished) {
            return;
        }
        finished = true;
        Buffer last = waiting;
        waiting = null;
        if (!out.headWritten() && out.isChunked()) {
            out.setChunked(false); // the whole body is known: Vert.x sends it with its Content-Length
        }
        (last == null ? out.end() : out.end(last)).onFailure(failed);
    }

    private void fail(Throwable failure) {
        if (finished) {
            return;
        }
        finished = true;
        waiting = null;
        body.handler(null);
        body.endHandler(null);
        body.exceptionHandler(null);
        failed.handle(failure);
    }
}
