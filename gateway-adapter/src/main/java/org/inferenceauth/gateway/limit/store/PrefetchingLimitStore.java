package org.inferenceauth.gateway.limit.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Limits in Redis, with most calls decided in this replica without a Redis command (issue 11: a
 * script run per call cost more than the rest of the gateway's work). Each key gets a {@link Share}:
 * <ul>
 *   <li>request windows and request counters (TAKE, COUNT): units taken from Redis ahead, in chunks
 *       ({@value #MIN_CHUNK} at first, doubling while a chunk lasts less than {@link #QUICK_NANOS}, up
 *       to {@value #MAX_CHUNK}) of at most the {@value #SHARE_DIVISOR}th part of what is left and none
 *       when fewer than {@value #LOCAL_FLOOR} are ({@link RedisScripts#PREFETCH}), spent here, and
 *       given back when unused for {@link #HOLD_NANOS}. Units are taken in Redis before they are spent,
 *       so no replica admits beyond a limit; near one, no chunk is granted and every call is decided
 *       in Redis again, exactly;</li>
 *   <li>token windows and budgets (PEEK, BELOW; looked at on admission, charged at the end): the value
 *       Redis last answered, used for {@link #FRESH_NANOS} while well within the limit (at least
 *       {@value #SHARE_DIVISOR}th of it and {@value #LOCAL_FLOOR} units left), minus what this replica
 *       charged since; charges are summed per key and sent every {@value #FLUSH_MILLIS} ms;</li>
 *   <li>concurrency slots of limits of at least {@value #LOCAL_FLOOR}: a released slot is kept for
 *       this replica's next call for {@link #SLOT_IDLE_NANOS} (at most {@value #SHARE_DIVISOR}th of the
 *       limit kept), then released in Redis.</li>
 * </ul>
 * A call some share cannot decide goes to Redis whole ({@link RedisLimitStore}), and its answer
 * refreshes the shares. What the sharing costs: another replica may find a limit reached while this
 * one holds units or idle slots it has not used yet (at most an eighth of what was left, for at most
 * a second), and token charges reach Redis up to {@value #FLUSH_MILLIS} ms late. Units held when a
 * replica dies are lost to the window (refilled within it) or counted in the counter's period.
 * Reports subtract this replica's own held units and idle slots; other replicas' are counted as used.
 */
public final class PrefetchingLimitStore implements LimitStore {

    /** A chunk is at most this fraction of what is left (the n-th part), so near a limit none is taken. */
    static final long SHARE_DIVISOR = 8;
    /** Below this, a token window or budget is looked at in Redis on each call; slots of smaller limits are never kept. */
    static final long LOCAL_FLOOR = 16;
    static final long MIN_CHUNK = 8;
    static final long MAX_CHUNK = 1024;
    /** Units not spent this long after they were taken go back to Redis. */
    static final long HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a token window's or budget's value from Redis is used here. */
    static final long FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    static final long FLUSH_MILLIS = 50;
    static final long SLOT_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A share unused this long (and holding nothing) is dropped, at a sweep every this many ticks. */
    static final long FORGET_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final int SWEEP_TICKS = 200;
    /** A chunk spent faster than this asks for twice as much next time; one lasting 5× longer for half. */
    static final long QUICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final RedisLimitStore redis;
    private final ConcurrentHashMap<String, Share> shares = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Shares holding units, unsent charges or kept slots, each once: what a tick looks at. */
    private final ConcurrentLinkedQueue<Share> holding = new ConcurrentLinkedQueue<>();
    /** Ticks so far (the tick thread's). */
    private long ticked;
    /** Completes when the charges summed until the next tick have reached Redis. */
    private volatile CompletableFuture<Void> nextFlush = new CompletableFuture<>();
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "limit-shares");
        thread.setDaemon(true);
        return thread;
    });

    public PrefetchingLimitStore(RedisLimitStore redis) {
        this.redis = redis;
        ticks.scheduleWithFixedDelay(() -> tick(false), FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<Outcome[]> admit(List<Op> ops) {
        long now = System.nanoTime();
        Outcome[] outcomes = new Outcome[ops.size()];
        for (int i = 0; i < outcomes.length; i++) {
            Op op = ops.get(i);
            Outcome local = share(op).decide(op, now);
            if (local == null) {
                for (int j = 0; j < i; j++) {
                    share(ops.get(j)).undo(ops.get(j), outcomes[j]);
                }
                return exactly(ops);
            }
            outcomes[i] = local;
        }
        return CompletableFuture.completedFuture(outcomes);
    }

    /** Decided in Redis; the answer refreshes the shares and may start taking units ahead. */
    private CompletionStage<Outcome[]> exactly(List<Op> ops) {
        return redis.admit(ops).thenApply(outcomes -> {
            long now = System.nanoTime();
            for (int i = 0; i < outcomes.length; i++) {
                Op op = ops.get(i);
                Share share = share(op);
                outcomes[i] = share.observe(op, outcomes[i], now);
                Slot slot = outcomes[i].slot();
                if (slot != null && redis.holds(slot)) {
                    outcomes[i] = Outcome.granted(new Kept(share, slot, op.limit()));
                }
            }
            return outcomes;
        });
    }

    @Override
    public CompletionStage<Void> settle(List<Slot> held, List<Op> charges, long units) {
        long now = System.nanoTime();
        List<Slot> release = null;
        for (Slot slot : held) {
            Slot back = slot instanceof Kept kept && kept.owner() == this ? kept.keepOrReturn(now) : slot;
            if (back != null) {
                if (release == null) {
                    release = new ArrayList<>(held.size());
                }
                release.add(back);
            }
        }
        CompletionStage<Void> released = release == null ? DONE : redis.settle(release, List.of(), 0);
        if (units <= 0 || charges.isEmpty()) {
            return released;
        }
        for (Op charge : charges) {
            charge(charge, units);
        }
        if (closed.get()) {
            tick(true); // the tick thread is gone: send them now
        }
        // Read after charging: this flush, or a later one, carries them.
        return nextFlush.thenCombine(released, (flushed, slots) -> null);
    }

    private void charge(Op op, long units) {
        while (!share(op).charge(op, units)) {
            // that share was being dropped: a new one takes the charge
        }
    }

    @Override
    public CompletionStage<WindowState> peek(Op window) {
        return redis.peek(window).thenApply(state -> {
            Share share = shares.get(window.key());
            if (!state.known() || share == null) {
                return state;
            }
            long remaining = state.remaining() + share.overstated();
            return new WindowState(remaining >= 1, remaining, state.reset(), true);
        });
    }

    @Override
    public CompletionStage<Long> read(String key) {
        return redis.read(key).thenApply(value -> {
            Share share = shares.get(key);
            return value < 0 || share == null ? value : Math.max(0, value - share.overstated());
        });
    }

    @Override
    public CompletionStage<Long> inUse(String key) {
        return redis.inUse(key).thenApply(n -> {
            Share share = shares.get(key);
            return n < 0 || share == null ? n : Math.max(0, n - share.idleSlots());
        });
    }

    private Share share(Op op) {
        return shares.computeIfAbsent(op.key(), Share::new);
    }

    /**
     * Sends summed charges, gives back units held too long and releases slots kept too long, looking
     * only at shares that hold something (a tick costs what is held, not the number of payers); every
     * {@value #SWEEP_TICKS} ticks drops shares long unused. {@code all}: everything, now (closing).
     */
    private void tick(boolean all) {
        long now = System.nanoTime();
        CompletableFuture<Void> flushed = nextFlush;
        nextFlush = new CompletableFuture<>();
        List<CompletionStage<Void>> sent = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        if (all) {
            shares.values().forEach(share -> share.collect(now, true, sent, slots));
        } else {
            for (int n = holding.size(); n > 0; n--) {
                Share share = holding.poll();
                if (share == null) {
                    break;
                }
                share.collect(now, false, sent, slots);
            }
            if (++ticked % SWEEP_TICKS == 0) {
                shares.values().forEach(share -> share.dropIfUnused(now));
            }
        }
        if (!slots.isEmpty()) {
            sent.add(redis.settle(slots, List.of(), 0));
        }
        CompletableFuture.allOf(sent.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new))
                .whenComplete((done, error) -> flushed.complete(null));
    }

    /** Gives back what this replica holds, sends its charges, then closes Redis. Not on an event loop. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            ticks.shutdownNow();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (shares.values().stream().anyMatch(Share::fetching) && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // what they take comes back below
            }
            CompletableFuture<Void> last = nextFlush;
            tick(true);
            try {
                last.get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                // Redis too slow or gone: the units are lost to their window, the charges not counted (fail open)
            }
            redis.close();
        }
    }

    /** Units taken ahead and not yet given back, over every share (tests). */
    long heldUnits() {
        return shares.values().stream().mapToLong(Share::held).sum();
    }

    private record Idle(Slot slot, long since) {}

    /** One key's state in this replica: units taken ahead, the value Redis last answered, charges not yet sent, kept slots. */
    private final class Share {
        private final String key;
        private boolean dropped;
        /** In {@link #holding}. */
        private boolean queued;
        private long lastUsed = System.nanoTime();
        // TAKE, COUNT: units taken ahead in Redis and not yet spent here
        private Op source;
        private long units;
        private long heldUntil;
        private boolean fetching;
        private long want = MIN_CHUNK;
        private long fetchedAt;
        private long noFetchUntil;
        // Redis's last answer: a window's units or a counter's value (which includes the units held here)
        private boolean seen;
        private long observed;
        private long observedAt;
        /** Charged here since the observation (PEEK, BELOW look at it), and not yet sent (of it). */
        private long chargedSince;
        private Op charging;
        private long pending;
        private ArrayDeque<Idle> idle;

        Share(String key) {
            this.key = key;
        }

        /** The call's outcome decided here (what it takes, taken), or null: Redis must decide it. */
        synchronized Outcome decide(Op op, long now) {
            lastUsed = now;
            switch (op.kind()) {
                case TAKE, COUNT -> {
                    if (units <= 0 || now - heldUntil >= 0) {
                        return null;
                    }
                    units--;
                    fetchIfLow(op, now);
                    return Outcome.allowed(op.kind() == Op.Kind.TAKE ? observed + units : observed - units);
                }
                case PEEK -> {
                    long left = observed - chargedSince;
                    return fresh(now) && left >= floor(op.limit()) ? Outcome.allowed(left) : null;
                }
                case BELOW -> {
                    long count = observed + chargedSince;
                    return fresh(now) && op.limit() - count >= floor(op.limit()) ? Outcome.allowed(count) : null;
                }
                case SLOT -> {
                    Idle kept = idle == null ? null : idle.pollLast();
                    return kept == null ? null : Outcome.granted(new Kept(this, kept.slot, op.limit()));
                }
                default -> {
                    return null;
                }
            }
        }

        /** Puts back what {@link #decide} took for a call that then went to Redis. */
        synchronized void undo(Op op, Outcome taken) {
            if (op.kind() == Op.Kind.TAKE || op.kind() == Op.Kind.COUNT) {
                units++;
            } else if (taken.slot() instanceof Kept kept) {
                idle.addLast(new Idle(kept.slot, System.nanoTime()));
            }
        }

        /**
         * Redis's answer to a call decided there, as this replica reports it: a window's units held here
         * are still left, a counter's are not yet used.
         */
        synchronized Outcome observe(Op op, Outcome outcome, long now) {
            lastUsed = now;
            if (!outcome.known() || op.kind() == Op.Kind.SLOT) {
                return outcome;
            }
            seen = true;
            observed = outcome.value();
            observedAt = now;
            chargedSince = pending;
            if (outcome.allowed()) {
                fetchIfLow(op, now);
            }
            long value = switch (op.kind()) {
                case TAKE -> outcome.value() + units;
                case COUNT -> outcome.value() - units;
                default -> outcome.value();
            };
            return value == outcome.value() ? outcome
                    : new Outcome(outcome.allowed(), true, value, outcome.waitMillis(), null);
        }

        private boolean fresh(long now) {
            return seen && now - observedAt < FRESH_NANOS;
        }

        private static long floor(long limit) {
            return Math.max(LOCAL_FLOOR, limit / SHARE_DIVISOR);
        }

        /** Starts taking a chunk ahead when a quarter of the last one is left (TAKE, COUNT). */
        private void fetchIfLow(Op op, long now) {
            if ((op.kind() != Op.Kind.TAKE && op.kind() != Op.Kind.COUNT) || op.limit() < LOCAL_FLOOR || fetching
                    || units > want / 4 || now - noFetchUntil < 0 || closed.get()) {
                return;
            }
            fetching = true;
            source = op;
            redis.prefetch(op, want, SHARE_DIVISOR, LOCAL_FLOOR).whenComplete((answer, error) -> {
                if (error != null || !filled(answer[0], answer[1], System.nanoTime())) {
                    return;
                }
                if (closed.get()) {
                    tick(true); // taken as the store closed: back at once
                }
            });
        }

        private synchronized boolean filled(long granted, long value, long now) {
            fetching = false;
            if (granted <= 0) {
                noFetchUntil = now + FRESH_NANOS; // near the limit (or Redis failed): decided in Redis for a while
                return false;
            }
            if (fetchedAt != 0 && now - fetchedAt < QUICK_NANOS) {
                want = Math.min(MAX_CHUNK, want * 2);
            } else if (fetchedAt != 0 && now - fetchedAt > 5 * QUICK_NANOS) {
                want = Math.max(MIN_CHUNK, want / 2);
            }
            fetchedAt = now;
            units += granted;
            heldUntil = now + HOLD_NANOS;
            holdsSomething();
            seen = true;
            observed = value;
            observedAt = now;
            return true;
        }

        /** False when this share was dropped: the caller charges a new one. */
        synchronized boolean charge(Op op, long units) {
            if (dropped) {
                return false;
            }
            charging = op;
            pending += units;
            chargedSince += units;
            lastUsed = System.nanoTime();
            holdsSomething();
            return true;
        }

        /**
         * How much Redis's value overstates this replica's use: units held here and not spent (a report
         * adds them back to a window, takes them off a counter), less charges not sent yet.
         */
        synchronized long overstated() {
            return units - pending;
        }

        synchronized long held() {
            return units;
        }

        synchronized boolean fetching() {
            return fetching;
        }

        synchronized int idleSlots() {
            return idle == null ? 0 : idle.size();
        }

        /** Keeps a released slot for the next call when the limit is generous; else it goes back to Redis. */
        synchronized boolean keep(Slot slot, long limit, long now) {
            if (closed.get() || dropped || limit < LOCAL_FLOOR) {
                return false;
            }
            if (idle == null) {
                idle = new ArrayDeque<>();
            }
            if (idle.size() >= limit / SHARE_DIVISOR) {
                return false;
            }
            idle.addLast(new Idle(slot, now));
            lastUsed = now;
            holdsSomething();
            return true;
        }

        /** Puts this share in the ticks' queue, once. */
        private void holdsSomething() {
            if (!queued) {
                queued = true;
                holding.add(this);
            }
        }

        /** What is due ({@code all}: everything): charges to send, units to give back, kept slots to release. */
        synchronized void collect(long now, boolean all, List<CompletionStage<Void>> sent, List<Slot> slots) {
            queued = false;
            if (pending > 0) {
                sent.add(redis.settle(List.of(), List.of(charging), pending));
                pending = 0;
            }
            if (units > 0 && !fetching && (all || now - heldUntil >= 0)) {
                sent.add(redis.giveBack(source, units));
                units = 0;
            }
            while (idle != null && !idle.isEmpty() && (all || now - idle.peekFirst().since >= SLOT_IDLE_NANOS)) {
                slots.add(idle.pollFirst().slot);
            }
            if (units > 0 || (idle != null && !idle.isEmpty())) {
                holdsSomething(); // not due yet
            }
        }

        synchronized void dropIfUnused(long now) {
            if (now - lastUsed >= FORGET_NANOS && units == 0 && pending == 0 && !fetching && (idle == null || idle.isEmpty())) {
                dropped = true;
                shares.remove(key, this);
            }
        }
    }

    /** A slot in Redis that this replica may keep for its next call when it is released. */
    private final class Kept implements Slot {
        private final Share share;
        private final Slot slot;
        private final long limit;
        private final AtomicBoolean released = new AtomicBoolean();

        Kept(Share share, Slot slot, long limit) {
            this.share = share;
            this.slot = slot;
            this.limit = limit;
        }

        PrefetchingLimitStore owner() {
            return PrefetchingLimitStore.this;
        }

        /** Null when kept for the next call (or released before); else the Redis slot to release. */
        Slot keepOrReturn(long now) {
            if (!released.compareAndSet(false, true)) {
                return null;
            }
            return share.keep(slot, limit, now) ? null : slot;
        }

        @Override
        public void release() {
            Slot back = keepOrReturn(System.nanoTime());
            if (back != null) {
                redis.settle(List.of(back), List.of(), 0);
            }
        }
    }
}
