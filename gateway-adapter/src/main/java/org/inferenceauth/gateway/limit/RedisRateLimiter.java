package org.inferenceauth.gateway.limit;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Buckets in Redis, shared by every gateway replica, so a caller's budget holds however many
 * replicas a load balancer spreads them over. Bucket4j updates them with compare-and-swap.
 *
 * <p>If Redis fails, requests go ahead (fail open) and {@code onStoreError} is told: the limiter
 * protects GPUs from floods, while authentication, which stays on, protects them from strangers;
 * refusing every caller because a counter store is down would be the worse outage.
 */
public final class RedisRateLimiter implements RateLimiter {

    private static final String KEY_PREFIX = "inference-gateway:ratelimit:";

    private final RateLimitPolicy policy;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final AsyncProxyManager<String> buckets;
    private final Consumer<Throwable> onStoreError;

    public RedisRateLimiter(RateLimitPolicy policy, String redisUrl, Duration timeout, Consumer<Throwable> onStoreError) {
        this.policy = policy;
        this.onStoreError = onStoreError;
        RedisURI uri = RedisURI.create(redisUrl);
        uri.setTimeout(timeout);
        this.client = RedisClient.create(uri);
        this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build()
                .asAsync();
    }

    @Override
    public CompletionStage<RateDecision> acquire(String callerKey) {
        try {
            return buckets.builder()
                    .build(KEY_PREFIX + callerKey, policy.bucketConfiguration())
                    .tryConsumeAndReturnRemaining(1)
                    .thenApply(probe -> RateLimiter.decision(policy, probe))
                    .exceptionally(this::failOpen);
        } catch (RuntimeException refusedAtOnce) { // e.g. a connection that was closed
            return CompletableFuture.completedFuture(failOpen(refusedAtOnce));
        }
    }

    private RateDecision failOpen(Throwable error) {
        onStoreError.accept(error);
        return RateDecision.UNLIMITED;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
