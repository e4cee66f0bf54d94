package org.inferenceauth.gateway.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.Map;

/**
 * An upstream's answer as the relay passes it on, whichever client fetched it: its head, its body
 * (paused until pumped) and the two ways to end the call early.
 */
interface UpstreamAnswer {

    int status();

    /** The reason phrase, or null. */
    String statusMessage();

    /** The first value of a header, case-insensitively, or null. */
    String header(String name);

    Iterable<Map.Entry<String, String>> headers();

    ReadStream<Buffer> body();

    /** Reads the body to its end and drops it (the connection can serve the next call). */
    void discard();

    /** Stops the call: the upstream sees its connection close (a model stops generating for nobody). */
    void reset(Throwable cause);
}
