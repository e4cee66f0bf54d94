package org.inferenceauth.gateway.proxy;

import io.vertx.core.Handler;

/**
 * A body stream that tells when it has handed over everything one network read brought: where
 * {@link BodyPump} can write what it held back, instead of scheduling a task on the event loop to
 * find the end of the loop's turn.
 */
interface ReadBatches {

    /**
     * Asks to be told at the end of each batch of buffers.
     *
     * @return false if this stream cannot tell (the pump then falls back to the end of the turn)
     */
    boolean batchEndHandler(Handler<Void> handler);
}
