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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Limits in Redis, shared by every gateway replica: a request's admission is one Lua script (every
 * window, counter and slot of every payer looked at, and taken only if all allow) and its settlement
 * another ({@link RedisScripts}). Rolling windows are token buckets in hashes, calendar counters plain
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
        int n = ops.size();
        byte[][] keys = new byte[n][];
        byte[][] args = new byte[4 * n][];
        String[] names = new String[n];
        String[] leaseIds = null;
        for (int i = 0; i < n; i++) {
            Op op = ops.get(i);
            Op.Encoded encoded = op.encoded(prefix);
            keys[i] = encoded.key();
            names[i] = encoded.name();
            System.arraycopy(encoded.args(), 0, args, 4 * i, 4);
            if (op.kind() == Op.Kind.SLOT) {
                if (leaseIds == null) {
                    leaseIds = new String[n];
                }
                leaseIds[i] = replica + ":" + leaseCount.incrementAndGet();
                args[4 * i + 2] = leaseTtlBytes;
                args[4 * i + 3] = bytes(leaseIds[i]);
            }
        }
        String[] leaseOf = leaseIds;
        return guarded(() -> RedisScripts.ADMIT.<byte[], byte[], List<Long>>run(scripts, keys, args),
                answer -> outcomes(ops, names, leaseOf, answer), () -> fallback(ops));
    }

    private Outcome[] outcomes(List<Op> ops, String[] keys, String[] leaseIds, List<Long> answer) {
        Outcome[] outcomes = new Outcome[ops.size()];
        boolean admitted = true;
        for (int i = 0; i < outcomes.length; i++) {
            admitted &= answer.get(3 * i) == 1L;
        }
        for (int i = 0; i < outcomes.length; i++) {
            boolean allowed = answer.get(3 * i) == 1L;
            long value = answer.get(3 * i + 1);
            if (ops.get(i).kind() == Op.Kind.SLOT) {
                // Taken only when every operation allowed: otherwise nothing was written.
                outcomes[i] = !allowed ? Outcome.FULL
                        : admitted ? Outcome.granted(lease(keys[i], leaseIds[i])) : Outcome.allowed(0);
            } else {
                outcomes[i] = allowed ? Outcome.allowed(value) : Outcome.refused(value, answer.get(3 * i + 2));
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
        int leaseCount = ours == null ? 0 : ours.size();
        int chargeCount = units > 0 ? charges.size() : 0;
        if (leaseCount + chargeCount == 0) {
            return DONE;
        }
        byte[][] keys = new byte[leaseCount + chargeCount][];
        byte[][] args = new byte[1 + 4 * keys.length][];
        args[0] = bytes(Long.toString(units));
        for (int i = 0; i < chargeCount; i++) {
            Op.Encoded encoded = charges.get(i).encoded(prefix);
            keys[i] = encoded.key();
            System.arraycopy(encoded.args(), 0, args, 1 + 4 * i, 4);
        }
        for (int j = 0; j < leaseCount; j++) {
            int i = chargeCount + j;
            keys[i] = bytes(ours.get(j).redisKey);
            args[1 + 4 * i] = RELEASE;
            args[2 + 4 * i] = bytes(ours.get(j).id);
            args[3 + 4 * i] = NOTHING;
            args[4 + 4 * i] = NOTHING;
        }
        // While Redis is down the tokens are not charged (fail open) and the leases expire on their own.
        return guarded(() -> RedisScripts.SETTLE.<byte[], byte[], Long>run(scripts, keys, args), done -> null, () -> null);
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
            renewer.shutdownNow();
            connection.close();
            scriptConnection.close();
            client.shutdown();
        }
    }
}
