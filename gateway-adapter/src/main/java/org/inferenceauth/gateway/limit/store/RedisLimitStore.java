package org.inferenceauth.gateway.limit.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Limits in Redis, shared by every gateway replica: a request's admission (every window, counter and
 * slot of every payer looked at, and taken only if all allow) and its settlement are parts of a Lua
 * script run ({@link RedisScripts#BATCH}) that carries every call its event loop had waiting while the
 * loop's previous run was out ({@link Lane}): under load, one run for many calls, each decided exactly
 * as if alone. Each loop has its own connection, on that loop ({@link LoopRedisClients}), so a call is
 * sent and answered on the thread that serves its request. Rolling windows are token buckets in
 * hashes, calendar counters plain integers that expire after their window, and concurrency slots
 * leases in a sorted set that the holding replica renews every third of {@code leaseTtl}, so the slots
 * of a replica that died expire instead of leaking. The keys of one admission are used together in one script: on Redis Cluster
 * they would need one hash slot, so a cluster is not supported (a single Redis or a primary with
 * replicas is).
 *
 * <p>When Redis fails, windows and counters answer "unknown" (the request goes ahead: authentication,
 * which stays on, keeps strangers out; refusing everyone because a counter store is down would be the
 * worse outage) and slots come from this replica's {@code fallback} store. Commands are refused at
 * once while the connection is down, so an outage costs requests no waiting.
 */
public final class RedisLimitStore implements LimitStore {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final byte[] RELEASE = {'Z'};
    private static final byte[] NOTHING = {};

    private final String prefix;
    private final Duration leaseTtl;
    private final String leaseTtlMillis;
    private final byte[] leaseTtlBytes;
    private final LocalLimitStore fallback;
    private final StoreHealth health;
    private final LoopRedisClients clients;
    /** For lease renewals and releases, and the readers (peek, read, inUse). */
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    /** Lease ids: this replica's random name and a counter (unique without a random number per call). */
    private final String replica = UUID.randomUUID().toString();
    private final AtomicLong leaseCount = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Duration timeout;
    /** One per event loop (each with its own connection on that loop), or one on Lettuce's threads. */
    private final List<Lane> lanes = new ArrayList<>();
    /** This replica's leases: Redis key → lease ids, renewed until released. */
    private final Map<String, Set<String>> leases = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "limit-lease-renewal");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param vertx  whose event loops the connections live on; not called on one of them (connecting blocks)
     * @param caFile the PEM bundle of CAs trusted for a {@code rediss://} URL in place of the JVM's
     *               ({@code GATEWAY_REDIS_CA_FILE}); the host name is checked either way
     * @param prefix every key starts with it ({@code GATEWAY_REDIS_KEY_PREFIX}), so several gateways
     *               (or test runs) can share one Redis without sharing budgets
     */
    public RedisLimitStore(Vertx vertx, String url, Optional<Path> caFile, Duration timeout, String prefix, Duration leaseTtl,
                           LocalLimitStore fallback, StoreHealth health) {
        this.prefix = prefix;
        this.timeout = timeout;
        this.leaseTtl = leaseTtl;
        this.leaseTtlMillis = Long.toString(leaseTtl.toMillis());
        this.leaseTtlBytes = bytes(leaseTtlMillis);
        this.fallback = fallback;
        this.health = health;
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        ClientOptions.Builder options = ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
        // Only the trust changes: verifyPeer stays rediss://'s default (FULL), which checks the host name too.
        caFile.ifPresent(file -> options.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(file.toFile()).build()));
        this.clients = new LoopRedisClients(vertx, uri, options.build());
        try {
            this.connection = clients.clients().get(0).client().connect(StringCodec.UTF8);
            for (LoopRedisClients.Bound bound : clients.clients()) {
                lanes.add(new Lane(bound.loop(), bound.client().connect(ByteArrayCodec.INSTANCE)));
            }
        } catch (RedisConnectionException e) {
            lanes.forEach(lane -> lane.connection.close());
            clients.close();
            // Lettuce says "Unable to connect to host:port"; why (refused, an untrusted certificate, a host name
            // the certificate does not name) is in its causes, and the operator reads only this message.
            throw new RedisConnectionException(e.getMessage() + " (" + rootCause(e) + ")", e);
        }
        this.redis = connection.async();
        long every = Math.max(100, leaseTtl.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The calling event loop's lane, so its run is sent and answered on this thread; the first one off the loops. */
    private Lane lane() {
        for (int i = 1; i < lanes.size(); i++) {
            Lane lane = lanes.get(i);
            if (lane.loop.inEventLoop()) {
                return lane;
            }
        }
        return lanes.get(0);
    }

    @Override
    public CompletionStage<Outcome[]> admit(List<Op> ops) {
        Admission admission = new Admission(ops);
        if (!lane().submit(admission)) {
            admission.done.complete(fallback(ops));
        }
        return admission.done;
    }

    /** A request's outcomes from the batch's answer, its operations' triples starting at {@code at}. */
    private Outcome[] outcomes(List<Op> ops, String[] keys, String[] leaseIds, List<Long> answer, int at) {
        Outcome[] outcomes = new Outcome[ops.size()];
        boolean admitted = true;
        for (int i = 0; i < outcomes.length; i++) {
            admitted &= answer.get(at + 3 * i) == 1L;
        }
        for (int i = 0; i < outcomes.length; i++) {
            boolean allowed = answer.get(at + 3 * i) == 1L;
            long value = answer.get(at + 3 * i + 1);
            if (ops.get(i).kind() == Op.Kind.SLOT) {
                // Taken only when every operation allowed: otherwise nothing was written.
                outcomes[i] = !allowed ? Outcome.FULL
                        : admitted ? Outcome.granted(lease(keys[i], leaseIds[i])) : Outcome.allowed(0);
            } else {
                outcomes[i] = allowed ? Outcome.allowed(value) : Outcome.refused(value, answer.get(at + 3 * i + 2));
            }
        }
        return outcomes;
    }

    /**
     * The outcomes of the {@code r}th call (from 1) of a group admitted whole: the answer holds per
     * operation its value before the group, from {@code at}. Each call took one unit of a window (so
     * {@code r} units were gone after it) and counted one on a counter, as if run alone.
     */
    private Outcome[] wholeOutcomes(List<Op> ops, String[] keys, String[] leaseIds, List<Long> answer, int at, int r) {
        Outcome[] outcomes = new Outcome[ops.size()];
        for (int i = 0; i < outcomes.length; i++) {
            long before = answer.get(at + i);
            outcomes[i] = switch (ops.get(i).kind()) {
                case TAKE -> Outcome.allowed(before - r);
                case COUNT -> Outcome.allowed(before + r);
                case SLOT -> Outcome.granted(lease(keys[i], leaseIds[i]));
                default -> Outcome.allowed(before); // PEEK, BELOW: nothing taken
            };
        }
        return outcomes;
    }

    /** Redis failed: windows and counters unknown, slots from this replica (all or none). */
    private Outcome[] fallback(List<Op> ops) {
        List<Op> slots = new ArrayList<>(2);
        int[] where = new int[ops.size()];
        Outcome[] outcomes = new Outcome[ops.size()];
        for (int i = 0; i < outcomes.length; i++) {
            Op op = ops.get(i);
            if (op.kind() == Op.Kind.SLOT) {
                where[slots.size()] = i;
                slots.add(op);
            } else {
                outcomes[i] = Outcome.UNKNOWN;
            }
        }
        if (!slots.isEmpty()) {
            Outcome[] local = fallback.admitNow(slots);
            for (int j = 0; j < local.length; j++) {
                outcomes[where[j]] = local[j];
            }
        }
        return outcomes;
    }

    private Slot lease(String redisKey, String lease) {
        leases.computeIfAbsent(redisKey, k -> ConcurrentHashMap.newKeySet()).add(lease);
        return new Lease(redisKey, lease);
    }

    /** A slot held in Redis: released with the settlement's script, or on its own. */
    private final class Lease implements Slot {
        private final String redisKey;
        private final String id;
        private final AtomicBoolean released = new AtomicBoolean();

        Lease(String redisKey, String id) {
            this.redisKey = redisKey;
            this.id = id;
        }

        RedisLimitStore owner() {
            return RedisLimitStore.this;
        }

        /** Stops renewing it; true the first time only. */
        boolean forget() {
            if (!released.compareAndSet(false, true)) {
                return false;
            }
            // No longer renewed from here on: if the removal fails, the lease expires by itself.
            leases.computeIfPresent(redisKey, (k, held) -> {
                held.remove(id);
                return held.isEmpty() ? null : held;
            });
            return true;
        }

        @Override
        public void release() {
            if (forget()) {
                guarded(() -> redis.zrem(redisKey, id), removed -> null, () -> null);
            }
        }
    }

    @Override
    public CompletionStage<Void> settle(List<Slot> held, List<Op> charges, long units) {
        List<Lease> ours = null;
        for (Slot slot : held) {
            if (slot instanceof Lease lease && lease.owner() == this) {
                if (lease.forget()) {
                    if (ours == null) {
                        ours = new ArrayList<>(held.size());
                    }
                    ours.add(lease);
                }
            } else {
                slot.release(); // a fallback slot of this replica
            }
        }
        if (ours == null && (units <= 0 || charges.isEmpty())) {
            return DONE;
        }
        // While Redis is down the tokens are not charged (fail open) and the leases expire on their own.
        Settlement settlement = new Settlement(units > 0 ? charges : List.of(), units, ours == null ? List.of() : ours);
        if (!lane().submit(settlement)) {
            return DONE;
        }
        return settlement.done;
    }

    @Override
    public CompletionStage<WindowState> peek(Op window) {
        return admit(List.of(window)).thenApply(outcomes -> WindowState.of(outcomes[0], window.window()));
    }

    @Override
    public CompletionStage<Long> read(String key) {
        return guarded(() -> redis.get(prefix + key), value -> value == null ? 0L : Long.parseLong(value), () -> -1L);
    }

    @Override
    public CompletionStage<Long> inUse(String key) {
        return guarded(() -> RedisScripts.IN_USE.<String, String, Long>run(redis, new String[] {prefix + key}, new String[0]), n -> n, () -> -1L)
                .thenCompose(n -> n >= 0 ? CompletableFuture.completedFuture(n) : fallback.inUse(key));
    }

    /**
     * Takes up to {@code want} units of a TAKE window or COUNT counter ahead, at most 1/{@code share} of
     * what is left and none when less than {@code least} is ({@link RedisScripts#PREFETCH}): {units taken, the window's units or the counter's
     * value after}; nothing taken when Redis fails.
     */
    CompletionStage<long[]> prefetch(Op op, long want, long share, long least) {
        String[] args = op.scriptArgs();
        String[] argv = {args[0], args[1], args[2], args[3], Long.toString(want), Long.toString(share), Long.toString(least)};
        return guarded(() -> RedisScripts.PREFETCH.<String, String, List<Object>>run(redis,
                        new String[] {op.encoded(prefix).name()}, argv),
                answer -> new long[] {(Long) answer.get(0), (Long) answer.get(1)}, () -> new long[] {0, 0});
    }

    /** Gives back units taken ahead and not used ({@link RedisScripts#GIVE_BACK}); lost if Redis fails. */
    CompletionStage<Void> giveBack(Op op, long units) {
        String[] args = op.scriptArgs();
        String[] argv = {args[0], args[1], args[2], args[3], Long.toString(units)};
        return guarded(() -> RedisScripts.GIVE_BACK.<String, String, Long>run(redis,
                new String[] {op.encoded(prefix).name()}, argv), done -> null, () -> null);
    }

    /** Whether {@code slot} is a lease of this store in Redis (not a fallback slot of this replica's memory). */
    boolean holds(Slot slot) {
        return slot instanceof Lease lease && lease.owner() == this;
    }

    private void renewLeases() {
        leases.forEach((redisKey, held) -> {
            String[] args = new String[held.size() + 1];
            args[0] = leaseTtlMillis;
            int i = 1;
            for (String lease : held) {
                if (i == args.length) {
                    break; // grew meanwhile: the newcomer was just granted a full lease
                }
                args[i++] = lease;
            }
            String[] leasesNow = i == args.length ? args : java.util.Arrays.copyOf(args, i);
            guarded(() -> RedisScripts.RENEW.<String, String, Long>run(redis, new String[] {redisKey}, leasesNow), done -> null, () -> null);
        });
    }

    /** A request's admission waiting for its batch: its operations, and lease ids for its slots. */
    private final class Admission {
        final List<Op> ops;
        final String[] names;
        final String[] leaseIds;
        final CompletableFuture<Outcome[]> done = new CompletableFuture<>();

        Admission(List<Op> ops) {
            this.ops = ops;
            this.names = new String[ops.size()];
            String[] ids = null;
            for (int i = 0; i < names.length; i++) {
                Op op = ops.get(i);
                names[i] = op.encoded(prefix).name();
                if (op.kind() == Op.Kind.SLOT) {
                    if (ids == null) {
                        ids = new String[names.length];
                    }
                    ids[i] = replica + ":" + leaseCount.incrementAndGet();
                }
            }
            this.leaseIds = ids;
        }
    }

    /** A request's settlement waiting for its batch: the units to charge, the leases to release. */
    private record Settlement(List<Op> charges, long units, List<Lease> leases, CompletableFuture<Void> done) {
        Settlement(List<Op> charges, long units, List<Lease> leases) {
            this(charges, units, leases, new CompletableFuture<>());
        }
    }

    /**
     * One event loop's connection and the calls waiting for it: sends what waits as one script run
     * ({@link RedisScripts#BATCH}), one run out at a time: at low load each admission goes at once, as alone; under load everything that came while a run was out
     * (and {@link #COLLECT_MICROS} after it) goes in the next one, settlements first (summed per key), then admissions in arrival order. So
     * Redis reads and writes each key once per run, and both sides pay one command per run, not per
     * call. A settlement is nobody's wait: it goes with the next admission's run, or on its own after
     * {@link #SETTLE_DELAY_MICROS} when no admission comes, or when the store closes.
     */
    private final class Lane {
        /** Calls per run at most: bounds a run's arguments (Lua's unpack) and time in Redis. */
        static final int MAX_CALLS = 128;
        /** One run out at a time: the deepest batches, so the fewest runs (each costs Redis ≈ 40 µs of Lua whatever its size). */
        static final int MAX_RUNS = 1;
        /**
         * After a run that carried several admissions (the replica is busy), how long the next run waits for
         * more: deeper runs, so less Redis time per call, for at most this much more latency under load.
         */
        static final long COLLECT_MICROS = 200;
        /** How long a settlement waits for an admission's run to go with. */
        static final long SETTLE_DELAY_MICROS = 2000;

        /** The loop this lane's connection lives on ({@code null}: Lettuce's own threads). */
        private final EventLoop loop;
        private final StatefulRedisConnection<byte[], byte[]> connection;
        /** Keys and arguments go as bytes encoded once per operation ({@link Op#encoded}). */
        private final RedisAsyncCommands<byte[], byte[]> scripts;
        /** The loop's own timers, so a delayed run is sent from the loop too. */
        private final ScheduledExecutorService timers;
        private final ConcurrentLinkedQueue<Object> waiting = new ConcurrentLinkedQueue<>();
        /** Admissions among {@link #waiting}: without one, only the delay or a close sends settlements. */
        private final AtomicInteger admissionsWaiting = new AtomicInteger();
        private final AtomicInteger running = new AtomicInteger();
        private final AtomicBoolean flushPlanned = new AtomicBoolean();
        private final AtomicLong runs = new AtomicLong();

        Lane(EventLoop loop, StatefulRedisConnection<byte[], byte[]> connection) {
            this.loop = loop;
            this.connection = connection;
            this.scripts = connection.async();
            this.timers = loop != null ? loop : renewer;
        }

        /** Queues a call; false when the store is closed (the caller answers as if Redis were down). */
        boolean submit(Object call) {
            if (closed.get()) {
                return false;
            }
            if (call instanceof Admission) {
                admissionsWaiting.incrementAndGet();
                waiting.add(call);
                drain(false);
            } else {
                waiting.add(call);
                planFlush();
            }
            return true;
        }

        private void endRun() {
            running.decrementAndGet();
            drain(false);
            if (!waiting.isEmpty()) {
                planFlush(); // settlements that found this run out still go after the delay
            }
        }

        /** Sends waiting settlements after the delay, unless an admission's run takes them first. */
        private void planFlush() {
            if (flushPlanned.compareAndSet(false, true)) {
                try {
                    timers.schedule(() -> {
                        flushPlanned.set(false);
                        drain(true);
                    }, SETTLE_DELAY_MICROS, TimeUnit.MICROSECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    flushPlanned.set(false);
                    drain(true);
                }
            }
        }

        /** Nothing waiting and no run out. */
        boolean idle() {
            return waiting.isEmpty() && running.get() == 0;
        }

        /**
         * Whoever finds no run out sends the next one; a run's end sends what came meanwhile.
         * Settlements alone wait ({@code force} false) for an admission, the delay or the close.
         */
        void drain(boolean force) {
            while (!waiting.isEmpty() && (force || admissionsWaiting.get() > 0)) {
                int out = running.get();
                if (out >= MAX_RUNS) {
                    return; // the run out drains when it ends
                }
                if (!running.compareAndSet(out, out + 1)) {
                    continue;
                }
                List<Admission> admissions = new ArrayList<>();
                List<Settlement> settlements = new ArrayList<>();
                Object call;
                while (admissions.size() + settlements.size() < MAX_CALLS && (call = waiting.poll()) != null) {
                    if (call instanceof Admission admission) {
                        admissionsWaiting.decrementAndGet();
                        admissions.add(admission);
                    } else {
                        settlements.add((Settlement) call);
                    }
                }
                if (admissions.isEmpty() && settlements.isEmpty()) {
                    running.decrementAndGet();
                    continue;
                }
                // Several admissions at once: busy (one admission with the last call's settlement is not).
                boolean busy = admissions.size() > 1;
                send(admissions, settlements).whenComplete((ignored, error) -> {
                    if (busy && !closed.get()) {
                        // Under load, calls keep coming: the next run waits a little for more of them.
                        try {
                            timers.schedule(this::endRun, COLLECT_MICROS, TimeUnit.MICROSECONDS);
                            return;
                        } catch (java.util.concurrent.RejectedExecutionException closing) {
                            // closing: end the run now
                        }
                    }
                    endRun();
                });
            }
        }

        private CompletionStage<Void> send(List<Admission> admissions, List<Settlement> settlements) {
            Run run = new Run();
            // Settlements summed per operation: n requests' tokens on one window are one charge.
            Map<Op, long[]> charged = new LinkedHashMap<>();
            Map<String, List<String>> released = new LinkedHashMap<>();
            for (Settlement settlement : settlements) {
                for (Op op : settlement.charges) {
                    charged.computeIfAbsent(op, k -> new long[1])[0] += settlement.units;
                }
                for (Lease lease : settlement.leases) {
                    released.computeIfAbsent(lease.redisKey, k -> new ArrayList<>(4)).add(lease.id);
                }
            }
            List<byte[]> body = new ArrayList<>(16 + 2 * admissions.size());
            int settling = 0;
            for (Map.Entry<Op, long[]> charge : charged.entrySet()) {
                body.add(run.index(charge.getKey()));
                body.add(bytes(Long.toString(charge.getValue()[0])));
                settling++;
            }
            for (Map.Entry<String, List<String>> release : released.entrySet()) {
                body.add(run.release(release.getKey()));
                body.add(bytes(Integer.toString(release.getValue().size())));
                release.getValue().forEach(id -> body.add(bytes(id)));
                settling++;
            }
            // Admissions in groups of consecutive calls with the same operations (a payer's calls):
            // the operations go once per group, each call adds only its lease ids.
            List<int[]> groups = new ArrayList<>();
            for (int first = 0; first < admissions.size(); ) {
                List<Op> ops = admissions.get(first).ops;
                int end = first + 1;
                while (end < admissions.size() && sameOps(ops, admissions.get(end).ops)) {
                    end++;
                }
                body.add(bytes(Integer.toString(ops.size())));
                body.add(bytes(Integer.toString(end - first)));
                for (Op op : ops) {
                    body.add(run.index(op));
                }
                for (int r = first; r < end; r++) {
                    String[] ids = admissions.get(r).leaseIds;
                    if (ids != null) {
                        for (String id : ids) {
                            if (id != null) {
                                body.add(bytes(id));
                            }
                        }
                    }
                }
                groups.add(new int[] {first, end});
                first = end;
            }
            byte[][] keys = run.keys.toArray(byte[][]::new);
            List<byte[]> args = new ArrayList<>(3 + run.args.size() + body.size());
            args.add(bytes(Integer.toString(keys.length)));
            args.add(bytes(Integer.toString(settling)));
            args.add(bytes(Integer.toString(groups.size())));
            args.addAll(run.args);
            args.addAll(body);
            runs.incrementAndGet();
            CompletionStage<List<Long>> answered;
            try {
                answered = RedisScripts.BATCH.<byte[], byte[], List<Long>>run(scripts, keys, args.toArray(byte[][]::new));
            } catch (RuntimeException refusedAtOnce) {
                answered = CompletableFuture.failedFuture(refusedAtOnce);
            }
            return answered.handle((answer, error) -> {
                if (error != null) {
                    health.failed(error);
                    admissions.forEach(admission -> admission.done.complete(fallback(admission.ops)));
                } else {
                    health.answered();
                    int at = 0;
                    for (int[] group : groups) {
                        int n = admissions.get(group[0]).ops.size();
                        boolean whole = answer.get(at) == -1L;
                        for (int r = group[0]; r < group[1]; r++) {
                            Admission admission = admissions.get(r);
                            try {
                                admission.done.complete(whole
                                        ? wholeOutcomes(admission.ops, admission.names, admission.leaseIds, answer, at + 1, r - group[0] + 1)
                                        : outcomes(admission.ops, admission.names, admission.leaseIds, answer, at + 3 * n * (r - group[0])));
                            } catch (RuntimeException e) {
                                admission.done.completeExceptionally(e);
                            }
                        }
                        at += whole ? 1 + n : 3 * n * (group[1] - group[0]);
                    }
                }
                settlements.forEach(settlement -> settlement.done.complete(null));
                return null;
            });
        }

        private static boolean sameOps(List<Op> one, List<Op> other) {
            if (one.size() != other.size()) {
                return false;
            }
            for (int i = 0; i < one.size(); i++) {
                if (one.get(i) != other.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A run's operations, each once: its key (KEYS[i]) and four arguments (kind, then its numbers);
     * calls refer to them by number.
     */
    private final class Run {
        final List<byte[]> keys = new ArrayList<>(16);
        final List<byte[]> args = new ArrayList<>(64);
        private final Map<Op, byte[]> ops = new IdentityHashMap<>();
        private final Map<String, byte[]> releases = new HashMap<>();

        byte[] index(Op op) {
            byte[] index = ops.get(op);
            if (index == null) {
                Op.Encoded encoded = op.encoded(prefix);
                byte[][] numbers = encoded.args();
                index = add(encoded.key(), numbers[0], numbers[1], op.kind() == Op.Kind.SLOT ? leaseTtlBytes : numbers[2],
                        numbers[3]);
                ops.put(op, index);
            }
            return index;
        }

        byte[] release(String redisKey) {
            return releases.computeIfAbsent(redisKey, k -> add(bytes(k), RELEASE, NOTHING, NOTHING, NOTHING));
        }

        private byte[] add(byte[] key, byte[] kind, byte[] a, byte[] b, byte[] c) {
            keys.add(key);
            args.add(kind);
            args.add(a);
            args.add(b);
            args.add(c);
            return bytes(Integer.toString(keys.size()));
        }
    }

    /** Script runs sent so far (tests: calls that waited together went in one). */
    long runs() {
        return lanes.stream().mapToLong(lane -> lane.runs.get()).sum();
    }

    /** Runs a store call: its answer mapped, or {@code whenDown} when Redis failed (counted, logged once). */
    private <T, R> CompletionStage<R> guarded(Supplier<CompletionStage<T>> call, Function<T, R> map, Supplier<R> whenDown) {
        if (closed.get()) {
            return CompletableFuture.completedFuture(whenDown.get());
        }
        try {
            return call.get().handle((answer, error) -> {
                if (error != null) {
                    health.failed(error);
                    return whenDown.get();
                }
                health.answered();
                return map.apply(answer);
            });
        } catch (RuntimeException refusedAtOnce) {
            health.failed(refusedAtOnce);
            return CompletableFuture.completedFuture(whenDown.get());
        }
    }

    /**
     * Stops renewing this replica's leases (they then expire) and closes the connections. Not on an event
     * loop: it waits for queued settlements, which the loops send and answer.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // What is queued still goes (settlements are never dropped while Redis answers); new calls are not queued.
            long deadline = System.nanoTime() + 2 * timeout.toNanos();
            while (!lanes.stream().allMatch(Lane::idle) && System.nanoTime() < deadline) {
                lanes.forEach(lane -> lane.drain(true));
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
            renewer.shutdownNow();
            connection.close();
            lanes.forEach(lane -> lane.connection.close());
            clients.close();
        }
    }
}
