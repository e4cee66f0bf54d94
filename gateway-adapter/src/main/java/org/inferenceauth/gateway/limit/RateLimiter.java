package org.inferenceauth.gateway.limit;

import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Spends one request from a caller's budget. Implementations never block the event loop. */
public interface RateLimiter extends AutoCloseable {

    /**
     * @param callerKey who pays: an API key id or a JWT subject, never a secret
     */
    CompletionStage<RateDecision> acquire(String callerKey);

    @Override
    default void close() {}

    /** A limiter that lets everything through: limiting switched off. */
    static RateLimiter unlimited() {
        return callerKey -> java.util.concurrent.CompletableFuture.completedFuture(RateDecision.UNLIMITED);
    }

    static RateDecision decision(RateLimitPolicy policy, ConsumptionProbe probe) {
        if (probe.isConsumed()) {
            long missing = policy.burst() - probe.getRemainingTokens();
            Duration toFull = Duration.ofNanos((long) Math.ceil(missing * 60_000_000_000.0 / policy.requestsPerMinute()));
            return new RateDecision(true, policy.burst(), probe.getRemainingTokens(), toFull);
        }
        return new RateDecision(false, policy.burst(), 0, Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
}
