package org.inferenceauth.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Reads a (paused) request body into memory up to a limit. Inference request bodies are small
 * JSON, and the gateway must see the {@code model} before it can pick an upstream.
 */
final class BoundedBody {

    /** The body exceeded the limit. */
    static final class TooLargeException extends RuntimeException {
        TooLargeException() {
            super("request body too large", null, false, false);
        }
    }

    private BoundedBody() {}

    static Future<Buffer> read(ReadStream<Buffer> stream, long limit) {
        Promise<Buffer> promise = Promise.promise();
        Buffer collected = Buffer.buffer();
        stream.exceptionHandler(promise::tryFail);
        stream.endHandler(v -> promise.tryComplete(collected));
        stream.handler(chunk -> {
            if (promise.future().isComplete()) {
                return; // already refused: drain and drop the rest
            }
            if (collected.length() + (long) chunk.length() > limit) {
                promise.tryFail(new TooLargeException());
                return;
            }
            collected.appendBuffer(chunk);
        });
        stream.resume();
        return promise.future();
    }
}
