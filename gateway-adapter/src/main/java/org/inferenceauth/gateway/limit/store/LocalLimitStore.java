package org.inferenceauth.gateway.limit.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Limits counted in this process: right for a single gateway, and where Redis-backed concurrency
 * falls back to while Redis is down. Buckets (Bucket4j) and counters live in bounded Caffeine
 * caches, so memory follows the number of active payers; an idle bucket is dropped once it would be
 * full again anyway, a counter once its calendar window is long over.
 */
public final class LocalLimitStore implements LimitStore {

    private static final Duration LONGEST_WINDOW = Duration.ofHours(2);

    private final TimeMeter time;
    private final Cache<String, Bucket> buckets;
    private final Cache<String, AtomicLong> counters;
    private final ConcurrentHashMap<String, Long> slots = new ConcurrentHashMap<>();

    /** @param clock the time buckets refill by (tests move it) */
    public LocalLimitStore(long maxEntries, Clock clock) {
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.millis() * 1_000_000L;
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        this.buckets = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterAccess(LONGEST_WINDOW).build();
        // Counter keys name their day or month, so an old window is never touched again and ages out.
        this.counters = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterAccess(Duration.ofDays(32)).build();
    }

    private Bucket bucket(String key, Window window) {
        return buckets.get(key + "@" + window.name(), k -> Bucket.builder()
                .withCustomTimePrecision(time).addLimit(window.configuration().getBandwidths()[0]).build());
    }

    @Override
    public CompletionStage<WindowState> take(String key, Window window) {
        ConsumptionProbe probe = bucket(key, window).tryConsumeAndReturnRemaining(1);
        return CompletableFuture.completedFuture(probe.isConsumed()
                ? new WindowState(true, probe.getRemainingTokens(), window.untilFull(probe.getRemainingTokens()), true)
                : new WindowState(false, 0, Duration.ofNanos(probe.getNanosToWaitForRefill()), true));
    }

    @Override
    public CompletionStage<WindowState> peek(String key, Window window) {
        return CompletableFuture.completedFuture(peekNow(bucket(key, window), window));
    }

    static WindowState fromEstimate(EstimationProbe probe, Window window) {
        return probe.canBeConsumed()
                ? new WindowState(true, probe.getRemainingTokens(), window.untilFull(probe.getRemainingTokens()), true)
                : new WindowState(false, probe.getRemainingTokens(), Duration.ofNanos(probe.getNanosToWaitForRefill()), true);
    }

    private static WindowState peekNow(Bucket bucket, Window window) {
        return fromEstimate(bucket.estimateAbilityToConsume(1), window);
    }

    @Override
    public CompletionStage<Void> giveBack(String key, Window window, long units) {
        bucket(key, window).addTokens(units);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> charge(String key, Window window, long units) {
        bucket(key, window).consumeIgnoringRateLimits(units);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<CounterState> takeIfBelow(String key, long limit, Duration ttl) {
        AtomicLong counter = counters.get(key, k -> new AtomicLong());
        long before;
        do {
            before = counter.get();
            if (before >= limit) {
                return CompletableFuture.completedFuture(new CounterState(false, before, true));
            }
        } while (!counter.compareAndSet(before, before + 1));
        return CompletableFuture.completedFuture(new CounterState(true, before + 1, true));
    }

    @Override
    public CompletionStage<Long> read(String key) {
        AtomicLong counter = counters.getIfPresent(key);
        return CompletableFuture.completedFuture(counter == null ? 0L : counter.get());
    }

    @Override
    public CompletionStage<Void> add(String key, long amount, Duration ttl) {
        counters.get(key, k -> new AtomicLong()).addAndGet(amount);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Slot> acquire(String key, long limit) {
        return CompletableFuture.completedFuture(acquireNow(key, limit));
    }

    /** A slot now, or {@code null}: the Redis store's fallback calls this directly. */
    Slot acquireNow(String key, long limit) {
        AtomicBoolean granted = new AtomicBoolean();
        slots.compute(key, (k, held) -> {
            long now = held == null ? 0 : held;
            if (now >= limit) {
                return held;
            }
            granted.set(true);
            return now + 1;
        });
        if (!granted.get()) {
            return null;
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                // Entries at zero are removed, so the map holds only keys with requests in flight.
                slots.computeIfPresent(key, (k, held) -> held <= 1 ? null : held - 1);
            }
        };
    }

    @Override
    public CompletionStage<Long> inUse(String key) {
        return CompletableFuture.completedFuture(slots.getOrDefault(key, 0L));
    }
}
