package org.inferenceauth.gateway.limit.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * script run ({@link RedisScripts#BATCH}) that carries every call this replica had waiting while the
 * previous run was out ({@link Batches}): under load, one run for many calls, each decided exactly as
 * if alone. Rolling windows are token buckets in hashes, calendar counters plain
 * integers that expire after their window, and concurrency slots leases in a sorted set that the
 * holding replica renews every third of {@code leaseTtl}, so the slots of a replica that died expire
 * instead of leaking. The keys of one admission are used together in one script: on Redis Cluster
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
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    /** The two scripts' connection: keys and arguments go as bytes encoded once per operation ({@link Op#encoded}). */
    private final StatefulRedisConnection<byte[], byte[]> scriptConnection;
    private final RedisAsyncCommands<byte[], byte[]> scripts;
    /** Lease ids: this replica's random name and a counter (unique without a random number per call). */
    private final String replica = UUID.randomUUID().toString();
    private final AtomicLong leaseCount = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Duration timeout;
    private final Batches batches = new Batches();
    /** This replica's leases: Redis key → lease ids, renewed until released. */
    private final Map<String, Set<String>> leases = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "limit-lease-renewal");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param prefix every key starts with it ({@code GATEWAY_REDIS_KEY_PREFIX}), so several gateways
     *               (or test runs) can share one Redis without sharing budgets
     */
    public RedisLimitStore(String url, Duration timeout, String prefix, Duration leaseTtl, LocalLimitStore fallback,
                           StoreHealth health) {
        this.prefix = prefix;
        this.timeout = timeout;
        this.leaseTtl = leaseTtl;
        this.leaseTtlMillis = Long.toString(leaseTtl.toMillis());
        this.leaseTtlBytes = bytes(leaseTtlMillis);
        this.fallback = fallback;
        this.health = health;
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        this.connection = client.connect(StringCodec.UTF8);
        this.redis = connection.async();
        this.scriptConnection = client.connect(ByteArrayCodec.INSTANCE);
        this.scripts = scriptConnection.async();
        long every = Math.max(100, leaseTtl.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public CompletionStage<Outcome[]> admit(List<Op> ops) {
        Admission admission = new Admission(ops);
        if (!batches.submit(admission)) {
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
        if (!batches.submit(settlement)) {
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
     * Sends what waits as one script run ({@link RedisScripts#BATCH}), at most {@link #MAX_RUNS} runs
     * out at a time: at low load each call goes at once, as alone; under load everything that came
     * while the runs were out goes in the next one, settlements first (summed per key), then admissions in arrival order. So Redis
     * reads and writes each key once per run, and both sides pay one command per run, not per call.
     */
    private final class Batches {
        /** Calls per run at most: bounds a run's arguments (Lua's unpack) and time in Redis. */
        static final int MAX_CALLS = 128;
        /**
         * Runs out at once: two, so that a call never waits behind the previous call's settlement at low
         * load (one connection, in order: Redis runs them as sent).
         */
        static final int MAX_RUNS = 2;

        private final ConcurrentLinkedQueue<Object> waiting = new ConcurrentLinkedQueue<>();
        /** Runs out now: at most {@link #MAX_RUNS}. */
        private final AtomicInteger running = new AtomicInteger();
        private final AtomicLong runs = new AtomicLong();

        /** Queues a call; false when the store is closed (the caller answers as if Redis were down). */
        boolean submit(Object call) {
            if (closed.get()) {
                return false;
            }
            waiting.add(call);
            drain();
            return true;
        }

        /** Nothing waiting and no run out. */
        boolean idle() {
            return waiting.isEmpty() && running.get() == 0;
        }

        /** Whoever finds a run free sends the next one; a run's end sends what came meanwhile. */
        private void drain() {
            while (!waiting.isEmpty()) {
                int out = running.get();
                if (out >= MAX_RUNS) {
                    return; // a run out will drain when it ends
                }
                if (!running.compareAndSet(out, out + 1)) {
                    continue;
                }
                List<Admission> admissions = new ArrayList<>();
                List<Settlement> settlements = new ArrayList<>();
                Object call;
                while (admissions.size() + settlements.size() < MAX_CALLS && (call = waiting.poll()) != null) {
                    if (call instanceof Admission admission) {
                        admissions.add(admission);
                    } else {
                        settlements.add((Settlement) call);
                    }
                }
                if (admissions.isEmpty() && settlements.isEmpty()) {
                    running.decrementAndGet();
                    continue;
                }
                send(admissions, settlements).whenComplete((ignored, error) -> {
                    running.decrementAndGet();
                    drain();
                });
            }
        }

        private CompletionStage<Void> send(List<Admission> admissions, List<Settlement> settlements) {
            // Settlements summed per key: n requests' tokens on one window are one charge.
            Map<String, Op> charged = new LinkedHashMap<>();
            Map<String, long[]> units = new HashMap<>();
            int releases = 0;
            for (Settlement settlement : settlements) {
                for (Op op : settlement.charges) {
                    String name = op.encoded(prefix).name();
                    charged.putIfAbsent(name, op);
                    units.computeIfAbsent(name, k -> new long[1])[0] += settlement.units;
                }
                releases += settlement.leases.size();
            }
            int settling = charged.size() + releases;
            int keyCount = settling;
            for (Admission admission : admissions) {
                keyCount += admission.ops.size();
            }
            int base = 2 + admissions.size();
            byte[][] keys = new byte[keyCount][];
            byte[][] args = new byte[base + 5 * keyCount][];
            args[0] = bytes(Integer.toString(settling));
            args[1] = bytes(Integer.toString(admissions.size()));
            int k = 0;
            for (Map.Entry<String, Op> entry : charged.entrySet()) {
                Op.Encoded encoded = entry.getValue().encoded(prefix);
                put(keys, args, base, k++, encoded.key(), encoded.args(), bytes(Long.toString(units.get(entry.getKey())[0])));
            }
            for (Settlement settlement : settlements) {
                for (Lease lease : settlement.leases) {
                    put(keys, args, base, k++, bytes(lease.redisKey), RELEASE, bytes(lease.id));
                }
            }
            for (int r = 0; r < admissions.size(); r++) {
                Admission admission = admissions.get(r);
                args[2 + r] = bytes(Integer.toString(admission.ops.size()));
                for (int i = 0; i < admission.ops.size(); i++) {
                    Op.Encoded encoded = admission.ops.get(i).encoded(prefix);
                    if (admission.leaseIds != null && admission.leaseIds[i] != null) {
                        put(keys, args, base, k, encoded.key(), encoded.args(), bytes(admission.leaseIds[i]));
                        args[base + 5 * k + 3] = leaseTtlBytes;
                    } else {
                        put(keys, args, base, k, encoded.key(), encoded.args(), NOTHING);
                    }
                    k++;
                }
            }
            runs.incrementAndGet();
            CompletionStage<List<Long>> run;
            try {
                run = RedisScripts.BATCH.<byte[], byte[], List<Long>>run(scripts, keys, args);
            } catch (RuntimeException refusedAtOnce) {
                run = CompletableFuture.failedFuture(refusedAtOnce);
            }
            return run.handle((answer, error) -> {
                if (error != null) {
                    health.failed(error);
                    admissions.forEach(admission -> admission.done.complete(fallback(admission.ops)));
                } else {
                    health.answered();
                    int at = 0;
                    for (Admission admission : admissions) {
                        try {
                            admission.done.complete(outcomes(admission.ops, admission.names, admission.leaseIds, answer, at));
                        } catch (RuntimeException e) {
                            admission.done.completeExceptionally(e);
                        }
                        at += 3 * admission.ops.size();
                    }
                }
                settlements.forEach(settlement -> settlement.done.complete(null));
                return null;
            });
        }

        /** Key {@code k}'s five arguments: kind, {@code x}, then the operation's three numbers. */
        private static void put(byte[][] keys, byte[][] args, int base, int k, byte[] key, byte[][] op, byte[] x) {
            keys[k] = key;
            int o = base + 5 * k;
            args[o] = op[0];
            args[o + 1] = x;
            args[o + 2] = op[1];
            args[o + 3] = op[2];
            args[o + 4] = op[3];
        }

        private static void put(byte[][] keys, byte[][] args, int base, int k, byte[] key, byte[] kind, byte[] x) {
            keys[k] = key;
            int o = base + 5 * k;
            args[o] = kind;
            args[o + 1] = x;
            args[o + 2] = NOTHING;
            args[o + 3] = NOTHING;
            args[o + 4] = NOTHING;
        }
    }

    /** Script runs sent so far (tests: calls that waited together went in one). */
    long runs() {
        return batches.runs.get();
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

    /** Stops renewing this replica's leases (they then expire) and closes the connection. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // What is queued still goes (settlements are never dropped while Redis answers); new calls are not queued.
            long deadline = System.nanoTime() + 2 * timeout.toNanos();
            while (!batches.idle() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
            renewer.shutdownNow();
            connection.close();
            scriptConnection.close();
            client.shutdown();
        }
    }
}
