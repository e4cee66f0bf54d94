package org.inferenceauth.gateway.limit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;

/**
 * How many requests one caller (an API key, or a JWT's subject) may send: a token bucket that
 * holds {@code burst} requests and refills {@code requestsPerMinute} per minute, evenly.
 */
public record RateLimitPolicy(long requestsPerMinute, long burst) {

    public RateLimitPolicy {
        if (requestsPerMinute <= 0 || burst <= 0) {
            throw new IllegalArgumentException("requests per minute and burst must be positive");
        }
    }

    Bandwidth bandwidth() {
        return Bandwidth.builder().capacity(burst).refillGreedy(requestsPerMinute, Duration.ofMinutes(1)).build();
    }

    BucketConfiguration bucketConfiguration() {
        return BucketConfiguration.builder().addLimit(bandwidth()).build();
    }

    /** How long an idle bucket takes to fill up again; after that it can be forgotten. */
    Duration timeToFull() {
        return Duration.ofNanos(Math.max(1, (long) Math.ceil(burst * 60_000_000_000.0 / requestsPerMinute)));
    }
}
