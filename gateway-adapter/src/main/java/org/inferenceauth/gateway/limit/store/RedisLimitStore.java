package org.inferenceauth.gateway.limit.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Limits in Redis, shared by every gateway replica: rolling windows as Bucket4j buckets (Lettuce,
 * compare-and-swap), calendar counters as plain integers that expire after their window, and
 * concurrency slots as leases in a sorted set that the holding replica renews every third of
 * {@code leaseTtl}, so the slots of a replica that died expire instead of leaking.
 *
 * <p>When Redis fails, windows and counters answer "unknown" (the request goes ahead: authentication,
 * which stays on, keeps strangers out; refusing everyone because a counter store is down would be the
 * worse outage) and slots come from this replica's {@code fallback} store. Commands are refused at
 * once while the connection is down, so an outage costs requests no waiting.
 */
public final class RedisLimitStore implements LimitStore {

    private final String prefix;
    private final Duration leaseTtl;
    private final LocalLimitStore fallback;
    private final StoreHealth health;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> bucketConnection;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    private final AsyncProxyManager<String> buckets;
    private final Cache<String, AsyncBucketProxy> proxies = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterAccess(Duration.ofHours(2)).build();
    private final String replica = UUID.randomUUID().toString();
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
        this.fallback = fallback;
        this.health = health;
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        this.bucketConnection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.connection = client.connect(StringCodec.UTF8);
        this.redis = connection.async();
        this.buckets = Bucket4jLettuce.casBasedBuilder(bucketConnection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build()
                .asAsync();
        long every = Math.max(100, leaseTtl.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * One proxy per bucket, kept while in use: Bucket4j's batching then sends this replica's
     * concurrent operations on a hot bucket (one person's parallel calls) to Redis as one
     * compare-and-swap instead of letting them collide and retry.
     */
    private AsyncBucketProxy bucket(String key, Window window) {
        return proxies.get(prefix + key + "@" + window.name(), name -> buckets.builder()
                .withOptimization(Optimizations.batching()).build(name, window.configuration()));
    }

    @Override
    public CompletionStage<WindowState> take(String key, Window window) {
        return guarded(() -> bucket(key, window).tryConsumeAndReturnRemaining(1), (ConsumptionProbe probe) ->
                probe.isConsumed()
                        ? new WindowState(true, probe.getRemainingTokens(), window.untilFull(probe.getRemainingTokens()), true)
                        : new WindowState(false, 0, Duration.ofNanos(probe.getNanosToWaitForRefill()), true),
                WindowState.UNKNOWN);
    }

    @Override
    public CompletionStage<WindowState> peek(String key, Window window) {
        return guarded(() -> bucket(key, window).estimateAbilityToConsume(1),
                probe -> LocalLimitStore.fromEstimate(probe, window), WindowState.UNKNOWN);
    }

    @Override
    public CompletionStage<Void> giveBack(String key, Window window, long units) {
        return guarded(() -> bucket(key, window).addTokens(units), done -> null, null);
    }

    @Override
    public CompletionStage<Void> charge(String key, Window window, long units) {
        return guarded(() -> bucket(key, window).consumeIgnoringRateLimits(units), done -> null, null);
    }

    @Override
    public CompletionStage<CounterState> takeIfBelow(String key, long limit, Duration ttl) {
        return guarded(() -> RedisScript.TAKE_IF_BELOW.<List<Long>>run(redis, new String[] {prefix + key},
                        Long.toString(limit), Long.toString(ttl.toMillis())),
                answer -> new CounterState(answer.get(0) == 1L, answer.get(1), true), CounterState.UNKNOWN);
    }

    @Override
    public CompletionStage<Long> read(String key) {
        return guarded(() -> redis.get(prefix + key), value -> value == null ? 0L : Long.parseLong(value), -1L);
    }

    @Override
    public CompletionStage<Void> add(String key, long amount, Duration ttl) {
        return guarded(() -> RedisScript.ADD.<Long>run(redis, new String[] {prefix + key},
                Long.toString(amount), Long.toString(ttl.toMillis())), value -> null, null);
    }

    @Override
    public CompletionStage<Slot> acquire(String key, long limit) {
        String redisKey = prefix + key;
        String lease = replica + ":" + UUID.randomUUID();
        CompletableFuture<Slot> slot = new CompletableFuture<>();
        try {
            RedisScript.ACQUIRE.<Long>run(redis, new String[] {redisKey}, Long.toString(limit),
                    Long.toString(leaseTtl.toMillis()), lease).whenComplete((granted, error) -> {
                        if (error != null) {
                            health.failed(error);
                            slot.complete(fallback.acquireNow(key, limit));
                            return;
                        }
                        health.answered();
                        if (granted != 1L) {
                            slot.complete(null);
                            return;
                        }
                        leases.computeIfAbsent(redisKey, k -> ConcurrentHashMap.newKeySet()).add(lease);
                        slot.complete(releasing(redisKey, lease));
                    });
        } catch (RuntimeException refusedAtOnce) {
            health.failed(refusedAtOnce);
            slot.complete(fallback.acquireNow(key, limit));
        }
        return slot;
    }

    private Slot releasing(String redisKey, String lease) {
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                // No longer renewed from here on: if the removal fails, the lease expires by itself.
                leases.computeIfPresent(redisKey, (k, held) -> {
                    held.remove(lease);
                    return held.isEmpty() ? null : held;
                });
                guarded(() -> redis.zrem(redisKey, lease), removed -> null, null);
            }
        };
    }

    @Override
    public CompletionStage<Long> inUse(String key) {
        return guarded(() -> RedisScript.IN_USE.<Long>run(redis, new String[] {prefix + key}), n -> n, -1L)
                .thenCompose(n -> n >= 0 ? CompletableFuture.completedFuture(n) : fallback.inUse(key));
    }

    private void renewLeases() {
        leases.forEach((redisKey, held) -> {
            String[] args = new String[held.size() + 1];
            args[0] = Long.toString(leaseTtl.toMillis());
            int i = 1;
            for (String lease : held) {
                if (i == args.length) {
                    break; // grew meanwhile: the newcomer was just granted a full lease
                }
                args[i++] = lease;
            }
            String[] leasesNow = i == args.length ? args : java.util.Arrays.copyOf(args, i);
            guarded(() -> RedisScript.RENEW.<Long>run(redis, new String[] {redisKey}, leasesNow), done -> null, null);
        });
    }

    /** Runs a store call: its answer mapped, or {@code whenDown} when Redis failed (counted, logged once). */
    private <T, R> CompletionStage<R> guarded(Supplier<CompletionStage<T>> call, Function<T, R> map, R whenDown) {
        if (closed.get()) {
            return CompletableFuture.completedFuture(whenDown);
        }
        try {
            return call.get().handle((answer, error) -> {
                if (error != null) {
                    health.failed(error);
                    return whenDown;
                }
                health.answered();
                return map.apply(answer);
            });
        } catch (RuntimeException refusedAtOnce) {
            health.failed(refusedAtOnce);
            return CompletableFuture.completedFuture(whenDown);
        }
    }

    /** Stops renewing this replica's leases (they then expire) and closes the connections. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            renewer.shutdownNow();
            connection.close();
            bucketConnection.close();
            client.shutdown();
        }
    }
}
