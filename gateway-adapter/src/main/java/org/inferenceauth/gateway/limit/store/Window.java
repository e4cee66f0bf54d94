package org.inferenceauth.gateway.limit.store;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;

/**
 * A rolling window as a token bucket: it holds {@code capacity} units and refills {@code refill}
 * per {@code period}, greedily (Bucket4j). A changed limit is a different bucket ({@link #name()}).
 */
public record Window(long capacity, long refill, Duration period) {

    public Window {
        if (capacity <= 0 || refill <= 0 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a window needs a positive capacity, refill and period");
        }
    }

    BucketConfiguration configuration() {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(refill, period).build())
                .build();
    }

    /** Part of the store key: a bucket made for other numbers is never reused for these. */
    String name() {
        return capacity + "/" + refill + "/" + period.toSeconds();
    }

    /** How long an empty bucket takes to fill up: after that an idle one may be forgotten. */
    Duration timeToFull() {
        return Duration.ofNanos(Math.max(1, (long) Math.ceil(capacity * (double) period.toNanos() / refill)));
    }

    /** Time until {@code remaining} (possibly below zero after a charge) is back at capacity. */
    Duration untilFull(long remaining) {
        long missing = capacity - remaining;
        return missing <= 0 ? Duration.ZERO
                : Duration.ofNanos((long) Math.ceil(missing * (double) period.toNanos() / refill));
    }
}
