package org.inferenceauth.gateway.limit.store;

/**
 * A rolling window in this process: a token bucket holding up to {@code capacity} units that refills
 * {@code refill} per period continuously (greedily, as Bucket4j's greedy refill did). Fractions of a
 * unit are kept, so slow refills are exact; {@code remaining} is the whole units. The same arithmetic
 * runs in Redis ({@link RedisScripts#BATCH}), in milliseconds of the store's clock.
 */
final class TokenBucket {

    private final double capacity;
    private final double refill;
    private final double periodMillis;
    private double tokens;
    private long at;

    TokenBucket(Window window, long nowMillis) {
        this.capacity = window.capacity();
        this.refill = window.refill();
        this.periodMillis = window.period().toMillis();
        this.tokens = capacity;
        this.at = nowMillis;
    }

    private void refill(long nowMillis) {
        if (nowMillis > at) {
            // Multiplied before divided, as the Redis script does: whole numbers stay exact.
            tokens = Math.min(capacity, tokens + (nowMillis - at) * refill / periodMillis);
            at = nowMillis;
        }
    }

    /** Takes one unit if there is one: the outcome's value is what is left. */
    synchronized Outcome take(long nowMillis) {
        refill(nowMillis);
        if (tokens >= 1) {
            tokens -= 1;
            return Outcome.allowed((long) Math.floor(tokens));
        }
        return Outcome.refused(0, waitForOne());
    }

    /** Allowed while at least one unit is there; spends nothing. */
    synchronized Outcome peek(long nowMillis) {
        refill(nowMillis);
        return tokens >= 1 ? Outcome.allowed((long) Math.floor(tokens)) : Outcome.refused((long) Math.floor(tokens), waitForOne());
    }

    private long waitForOne() {
        return Math.max(1, (long) Math.ceil((1 - tokens) * periodMillis / refill));
    }

    /** Puts units back, never above capacity (a request refused elsewhere). */
    synchronized void giveBack(long units, long nowMillis) {
        refill(nowMillis);
        tokens = Math.min(capacity, tokens + units);
    }

    /** Spends units whether or not they are there. */
    synchronized void charge(long units, long nowMillis) {
        refill(nowMillis);
        tokens -= units;
    }
}
