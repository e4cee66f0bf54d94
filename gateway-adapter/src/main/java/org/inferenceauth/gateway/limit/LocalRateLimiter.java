package org.inferenceauth.gateway.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Buckets in this process's memory: right for a single gateway. Idle buckets are dropped once
 * they would have refilled anyway, so memory follows the number of active callers.
 */
public final class LocalRateLimiter implements RateLimiter {

    private final RateLimitPolicy policy;
    private final Cache<String, Bucket> buckets;

    public LocalRateLimiter(RateLimitPolicy policy, long maxCallers) {
        this.policy = policy;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxCallers)
                .expireAfterAccess(policy.timeToFull())
                .build();
    }

    @Override
    public CompletionStage<RateDecision> acquire(String callerKey) {
        Bucket bucket = buckets.get(callerKey,
                key -> Bucket.builder().addLimit(policy.bandwidth()).build());
        return CompletableFuture.completedFuture(RateLimiter.decision(policy, bucket.tryConsumeAndReturnRemaining(1)));
    }
}
