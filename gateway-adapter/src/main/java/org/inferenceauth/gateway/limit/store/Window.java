package org.inferenceauth.gateway.limit.store;

import java.time.Duration;

/**
 * A rolling window as a token bucket: it holds {@code capacity} units and refills {@code refill}
 * per {@code period}, continuously ({@link TokenBucket}; in Redis the same arithmetic in a script).
 * A changed limit is a different bucket ({@link #name()}).
 */
public record Window(long capacity, long refill, Duration period) {

    public Window {
        if (capacity <= 0 || refill <= 0 || period.toMillis() <= 0) {
            throw new IllegalArgumentException("a window needs a positive capacity, refill and period (of 1 ms or more)");
        }
    }

    /** Part of the store key: a bucket made for other numbers is never reused for these. */
    String name() {
        return capacity + "/" + refill + "/" + period.toMillis();
    }

    /** How long an empty bucket takes to fill up: after that an idle one may be forgotten. */
    Duration timeToFull() {
        return Duration.ofNanos(Math.max(1, (long) Math.ceil(capacity * (double) period.toNanos() / refill)));
    }

    /** Time until {@code remaining} (possibly below zero after a charge) is back at capacity. */
    public Duration untilFull(long remaining) {
        long missing = capacity - remaining;
        return missing <= 0 ? Duration.ZERO
                : Duration.ofNanos((long) Math.ceil(missing * (double) period.toNanos() / refill));
    }
}
