package org.inferenceauth.gateway.auth.apikey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * Each source (client address, see {@code ClientAddress}) may cause {@code budget} failed
 * introspections, refilled evenly over {@code refill}. A key nothing is known about costs one unit
 * before it is introspected, and the unit comes back unless Keycloak called the key inactive: valid
 * keys and outages never spend it, forged keys do, and a spent budget is a 429 without a Keycloak
 * call. Reserving first (not counting afterwards) keeps the bound exact under concurrency.
 */
public final class SourceBudget {

    private static final int MAX_SOURCES = 100_000;

    private final long budget;
    private final Duration refill;
    private final Cache<String, Bucket> buckets;

    public SourceBudget(long budget, Duration refill) {
        this.budget = budget;
        this.refill = refill;
        // An untouched bucket is full again after one refill period, so it can be forgotten then.
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_SOURCES).expireAfterAccess(refill).build();
    }

    /** Takes one unit; false when the source has none left. */
    public boolean tryReserve(String source) {
        return bucket(source).tryConsume(1);
    }

    /** Gives back a unit that was not spent on a failure. */
    public void release(String source) {
        Bucket bucket = buckets.getIfPresent(source);
        if (bucket != null) {
            bucket.addTokens(1);
        }
    }

    /** How long until the source has a unit again. */
    public Duration retryAfter(String source) {
        return Duration.ofNanos(bucket(source).estimateAbilityToConsume(1).getNanosToWaitForRefill());
    }

    private Bucket bucket(String source) {
        return buckets.get(source, s -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(budget).refillGreedy(budget, refill).build())
                .build());
    }
}
