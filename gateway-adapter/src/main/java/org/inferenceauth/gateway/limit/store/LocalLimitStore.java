package org.inferenceauth.gateway.limit.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Limits counted in this process: right for a single gateway, and where Redis-backed concurrency
 * falls back to while Redis is down. Buckets ({@link TokenBucket}) and counters live in bounded
 * Caffeine caches, so memory follows the number of active payers; an idle bucket is dropped after the
 * longest window (it would be full again anyway), a counter once its calendar window is long over.
 * Every answer is complete when returned: the limiter goes on without a hop through the event loop.
 */
public final class LocalLimitStore implements LimitStore {

    private static final Duration LONGEST_WINDOW = Duration.ofHours(2);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Clock clock;
    private final Cache<String, TokenBucket> buckets;
    private final Cache<String, AtomicLong> counters;
    private final ConcurrentHashMap<String, Long> slots = new ConcurrentHashMap<>();

    /** @param clock the time buckets refill by (tests move it) */
    public LocalLimitStore(long maxEntries, Clock clock) {
        this.clock = clock;
        // Caffeine's upkeep on the calling event loop: handed to the common pool, it woke a thread every few calls.
        this.buckets = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxEntries).expireAfterAccess(LONGEST_WINDOW).build();
        // Counter keys name their day or month, so an old window is never touched again and ages out.
        this.counters = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxEntries).expireAfterAccess(Duration.ofDays(32)).build();
    }

    /**
     * A bucket or counter an {@link Op} found in this store's cache, used without a lookup until
     * {@code until}; then looked up again, which also tells the cache it is in use. Only an entry
     * evicted for size (more payers than {@code maxEntries}) can be missed meanwhile, for at most
     * {@link #RECHECK_MILLIS}: counts are then lost as with any eviction.
     */
    private record Held(LocalLimitStore store, Object state, long until) {}

    static final long RECHECK_MILLIS = 1000;

    private TokenBucket bucket(Op op, long now) {
        if (op.local instanceof Held held && held.store == this && now < held.until) {
            return (TokenBucket) held.state;
        }
        TokenBucket bucket = buckets.get(op.key(), k -> new TokenBucket(op.window(), now));
        op.local = new Held(this, bucket, now + RECHECK_MILLIS);
        return bucket;
    }

    private AtomicLong counter(Op op, long now) {
        if (op.local instanceof Held held && held.store == this && now < held.until) {
            return (AtomicLong) held.state;
        }
        AtomicLong counter = counters.get(op.key(), k -> new AtomicLong());
        op.local = new Held(this, counter, now + RECHECK_MILLIS);
        return counter;
    }

    @Override
    public CompletionStage<Outcome[]> admit(List<Op> ops) {
        return CompletableFuture.completedFuture(admitNow(ops));
    }

    /** Takes in order; if one refuses, gives back what the others took. */
    Outcome[] admitNow(List<Op> ops) {
        long now = clock.millis();
        Outcome[] outcomes = new Outcome[ops.size()];
        boolean refused = false;
        for (int i = 0; i < outcomes.length; i++) {
            Op op = ops.get(i);
            Outcome outcome = switch (op.kind()) {
                case TAKE -> bucket(op, now).take(now);
                case PEEK -> bucket(op, now).peek(now);
                case COUNT -> takeIfBelow(counter(op, now), op.limit());
                case BELOW -> below(op, now);
                case SLOT -> {
                    Slot slot = acquireNow(op.key(), op.limit());
                    yield slot == null ? Outcome.FULL : Outcome.granted(slot);
                }
                default -> throw new IllegalArgumentException("not an admission operation: " + op);
            };
            outcomes[i] = outcome;
            refused |= !outcome.allowed();
        }
        if (refused) {
            giveBack(ops, outcomes, now);
        }
        return outcomes;
    }

    private void giveBack(List<Op> ops, Outcome[] outcomes, long now) {
        for (int i = 0; i < outcomes.length; i++) {
            if (!outcomes[i].allowed() || !outcomes[i].known()) {
                continue;
            }
            Op op = ops.get(i);
            switch (op.kind()) {
                case TAKE -> bucket(op, now).giveBack(1, now);
                case COUNT -> counter(op, now).decrementAndGet();
                case SLOT -> outcomes[i].slot().release();
                default -> { } // spent nothing
            }
        }
    }

    private static Outcome takeIfBelow(AtomicLong counter, long limit) {
        long before;
        do {
            before = counter.get();
            if (before >= limit) {
                return Outcome.refused(before, 0);
            }
        } while (!counter.compareAndSet(before, before + 1));
        return Outcome.allowed(before + 1);
    }

    private Outcome below(Op op, long now) {
        AtomicLong counter = op.local instanceof Held held && held.store == this && now < held.until
                ? (AtomicLong) held.state : counters.getIfPresent(op.key());
        long used = counter == null ? 0 : counter.get();
        return used < op.limit() ? Outcome.allowed(used) : Outcome.refused(used, 0);
    }

    @Override
    public CompletionStage<Void> settle(List<Slot> held, List<Op> charges, long units) {
        held.forEach(Slot::release);
        settleNow(charges, units);
        return DONE;
    }

    void settleNow(List<Op> charges, long units) {
        if (units <= 0) {
            return;
        }
        long now = clock.millis();
        for (Op op : charges) {
            switch (op.kind()) {
                case CHARGE -> bucket(op, now).charge(units, now);
                case ADD -> counter(op, now).addAndGet(units);
                default -> throw new IllegalArgumentException("not a settlement operation: " + op);
            }
        }
    }

    @Override
    public CompletionStage<WindowState> peek(Op window) {
        long now = clock.millis();
        return CompletableFuture.completedFuture(WindowState.of(bucket(window, now).peek(now), window.window()));
    }

    @Override
    public CompletionStage<Long> read(String key) {
        AtomicLong counter = counters.getIfPresent(key);
        return CompletableFuture.completedFuture(counter == null ? 0L : counter.get());
    }

    /** A slot now, or {@code null}: the Redis store's fallback calls this directly. */
    Slot acquireNow(String key, long limit) {
        boolean[] granted = new boolean[1];
        slots.compute(key, (k, held) -> {
            long now = held == null ? 0 : held;
            if (now >= limit) {
                return held;
            }
            granted[0] = true;
            return now + 1;
        });
        if (!granted[0]) {
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
