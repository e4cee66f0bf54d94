package org.inferenceauth.gateway.limit.store;

import java.time.Duration;

/**
 * A rolling window as a report shows it.
 *
 * @param allowed   at least one unit is left
 * @param remaining units left now (a token window may be below zero after a large call)
 * @param reset     when allowed, time until the window is full again; when refused, until the next unit
 * @param known     false when the store failed: nothing is reported
 */
public record WindowState(boolean allowed, long remaining, Duration reset, boolean known) {

    public static final WindowState UNKNOWN = new WindowState(true, 0, Duration.ZERO, false);

    static WindowState of(Outcome peeked, Window window) {
        if (!peeked.known()) {
            return UNKNOWN;
        }
        return peeked.allowed()
                ? new WindowState(true, peeked.value(), window.untilFull(peeked.value()), true)
                : new WindowState(false, peeked.value(), Duration.ofMillis(peeked.waitMillis()), true);
    }
}
