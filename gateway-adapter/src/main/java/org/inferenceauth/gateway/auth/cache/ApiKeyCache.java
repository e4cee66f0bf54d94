package org.inferenceauth.gateway.auth.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.auth.apikey.Introspection;
import org.inferenceauth.gateway.config.GatewayConfig;

/**
 * Introspection answers by key hash.
 *
 * <ul>
 *   <li>A miss loads once per key: concurrent requests with the same unknown key share one
 *       introspection call (Caffeine's in-flight future). A failed load ({@link Introspection.Unavailable}
 *       or a failed future) is not cached.</li>
 *   <li>"Inactive" answers live {@code negativeTtl}, so a flood of bad keys costs one call each.</li>
 *   <li>"Active" answers are fresh for {@code ttl}; after that the first request triggers one
 *       background re-introspection and keeps being served meanwhile. If Keycloak cannot answer,
 *       the entry keeps serving until {@code ttl + outageGrace}, then expires: that bounds how
 *       long an outage is bridged.</li>
 *   <li>Revocations remove entries directly ({@link #invalidateKeyIds}, {@link #invalidateSubject}).</li>
 * </ul>
 */
public final class ApiKeyCache {

    /** The cached answer and whether it came from the cache. */
    public record Lookup(Introspection result, boolean hit) {}

    private record Entry(Introspection result, long loadedAtNanos) {}

    private final AsyncCache<String, Entry> cache;
    private final Map<String, CompletableFuture<?>> refreshing = new ConcurrentHashMap<>();
    private final Ticker ticker;
    private final long ttlNanos;

    public ApiKeyCache(GatewayConfig.KeyCache config, Ticker ticker) {
        this.ticker = ticker;
        this.ttlNanos = config.ttl().toNanos();
        long positiveLifetime = config.ttl().plus(config.outageGrace()).toNanos();
        long negativeLifetime = config.negativeTtl().toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.maxEntries())
                .ticker(ticker)
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry entry, long now) {
                        return lifetime(entry, positiveLifetime, negativeLifetime);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry entry, long now, long remaining) {
                        return lifetime(entry, positiveLifetime, negativeLifetime);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry entry, long now, long remaining) {
                        return remaining;
                    }
                })
                .buildAsync();
    }

    private static long lifetime(Entry entry, long positive, long negative) {
        if (entry.result() instanceof Introspection.Unavailable) {
            return 0; // gone at once: the next request asks Keycloak again
        }
        if (entry.result() instanceof Introspection.Active active && active.identity().expiresAt() != null) {
            long untilExpiry = Duration.between(Instant.now(), active.identity().expiresAt()).toNanos();
            return Math.max(0, Math.min(positive, untilExpiry));
        }
        return entry.result() instanceof Introspection.Active ? positive : negative;
    }

    /**
     * The answer for a key, loading it with {@code introspect} on a miss (one call per key at a
     * time) and refreshing a stale active answer in the background.
     */
    public CompletableFuture<Lookup> get(String keyHash, Function<String, CompletableFuture<Introspection>> introspect,
                                         String apiKey) {
        AtomicBoolean loaded = new AtomicBoolean();
        CompletableFuture<Entry> entry = cache.get(keyHash, (hash, executor) -> {
            loaded.set(true);
            return introspect.apply(apiKey).thenApply(result -> new Entry(result, ticker.read()));
        });
        return entry.thenApply(e -> {
            if (e.result() instanceof Introspection.Active && ticker.read() - e.loadedAtNanos() > ttlNanos) {
                refreshInBackground(keyHash, introspect, apiKey);
            }
            return new Lookup(e.result(), !loaded.get());
        });
    }

    private void refreshInBackground(String keyHash, Function<String, CompletableFuture<Introspection>> introspect,
                                     String apiKey) {
        // Claim the refresh first, then start it: an introspection that completes at once must not
        // remove its own claim from inside the map's compute (ConcurrentHashMap forbids that).
        CompletableFuture<Void> claim = new CompletableFuture<>();
        if (refreshing.putIfAbsent(keyHash, claim) != null) {
            return;
        }
        introspect.apply(apiKey).whenComplete((result, failure) -> {
            if (failure == null && !(result instanceof Introspection.Unavailable)) {
                cache.put(keyHash, CompletableFuture.completedFuture(new Entry(result, ticker.read())));
            }
            // On failure the old entry stays until ttl + outageGrace.
            refreshing.remove(keyHash, claim);
            claim.complete(null);
        });
    }

    /** Key ids of the active keys currently cached (for the batch re-check). */
    public Set<String> activeKeyIds() {
        return activeIdentities(identity -> true).values().stream().map(Identity::keyId)
                .collect(Collectors.toUnmodifiableSet());
    }

    public int invalidateKeyIds(Collection<String> keyIds) {
        Set<String> ids = Set.copyOf(keyIds);
        return invalidate(identity -> ids.contains(identity.keyId()));
    }

    public int invalidateSubject(String subject) {
        return invalidate(identity -> subject.equals(identity.subject()));
    }

    public long size() {
        return cache.synchronous().estimatedSize();
    }

    private int invalidate(Predicate<Identity> which) {
        Set<String> hashes = activeIdentities(which).keySet();
        cache.synchronous().invalidateAll(hashes);
        return hashes.size();
    }

    private Map<String, Identity> activeIdentities(Predicate<Identity> which) {
        // Only completed loads: an in-flight one is checked by the next round.
        return cache.asMap().entrySet().stream()
                .filter(e -> e.getValue().isDone() && !e.getValue().isCompletedExceptionally())
                .filter(e -> e.getValue().join().result() instanceof Introspection.Active a && which.test(a.identity()))
                .collect(Collectors.toMap(Map.Entry::getKey,
                        e -> ((Introspection.Active) e.getValue().join().result()).identity()));
    }
}
