package org.inferenceauth.gateway.limit.store;

import java.time.Duration;

/**
 * A rolling window after a store operation.
 *
 * @param allowed   the request may go ahead (for a peek: at least one unit is left)
 * @param remaining units left now (a token window may be below zero after a large call)
 * @param reset     when allowed, time until the window is full again; when refused, until the next unit
 * @param known     false when the store failed: the request goes ahead (fail open) and nothing is reported
 */
public record WindowState(boolean allowed, long remaining, Duration reset, boolean known) {

    /** The store could not answer: let the request through, tell the caller nothing. */
    public static final WindowState UNKNOWN = new WindowState(true, 0, Duration.ZERO, false);
}
