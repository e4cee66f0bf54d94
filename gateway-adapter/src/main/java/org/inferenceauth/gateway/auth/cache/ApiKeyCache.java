package org.inferenceauth.gateway.auth.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.auth.apikey.Introspection;
import org.inferenceauth.gateway.config.GatewayConfig;

/**
 * Introspection answers by key hash, in two bounded caches: valid identities, and apart from them
 * the keys Keycloak called inactive, so a flood of forged keys can never push a valid identity out.
 *
 * <ul>
 *   <li>A miss loads once per key: concurrent requests with the same unknown key share one
 *       introspection. A failed load ({@link Introspection.Unavailable} or a failed future) is not cached.</li>
 *   <li>"Inactive" answers live {@code negativeTtl}, so a repeated bad key costs one call.</li>
 *   <li>"Active" answers are fresh for {@code ttl}; after that the first request triggers one
 *       background re-introspection and keeps being served meanwhile (the lookup says it is stale). If
 *       Keycloak cannot answer, the entry keeps serving until {@code ttl + outageGrace}, then expires:
 *       that bounds how long an outage is bridged.</li>
 *   <li>An identity never outlives its key's expiry ({@code exp}): the wall clock says how long the
 *       key has left when the answer is stored, and the entry's deadline is set on the cache's own
 *       ticker from that, so both time sources are read once and never mixed later.</li>
 *   <li>Revocations remove entries directly ({@link #invalidateKeyIds}, {@link #invalidateSubject}).</li>
 * </ul>
 */
public final class ApiKeyCache {

    /**
     * A cached or loaded answer.
     *
     * @param hit          it came from a cache, without waiting for Keycloak
     * @param stale        an active answer older than the TTL (a refresh is under way)
     * @param introspected this lookup started the introspection that answered it
     */
    public record Lookup(Introspection result, boolean hit, boolean stale, boolean introspected) {}

    /**
     * The identity itself, not its {@code Introspection.Active} (one object fewer per key: a hit
     * wraps it again). {@code expiresAtNanos} is on the ticker's scale: compare by subtraction only.
     */
    private record Entry(Identity identity, long loadedAtNanos, long expiresAtNanos) {}

    /** Distinct subjects, usernames, projects, scope and limit sets shared among the cached identities. */
    private static final int CANONICAL_VALUES = 16_384;

    private final Cache<KeyDigest, Entry> valid;
    private final Cache<KeyDigest, Boolean> inactive;
    private final Map<KeyDigest, CompletableFuture<Introspection>> loading = new ConcurrentHashMap<>();
    private final Map<KeyDigest, CompletableFuture<?>> refreshing = new ConcurrentHashMap<>();
    private final Canonical canonical = new Canonical(CANONICAL_VALUES);
    private final Ticker ticker;
    private final Clock clock;
    private final long ttlNanos;
    private final Duration lifetime;

    /**
     * @param ticker measures the entries' ages (Caffeine's clock)
     * @param clock  the wall clock that keys' {@code exp} is compared with
     */
    public ApiKeyCache(GatewayConfig.KeyCache config, Ticker ticker, Clock clock) {
        this.ticker = ticker;
        this.clock = clock;
        this.ttlNanos = config.ttl().toNanos();
        this.lifetime = config.ttl().plus(config.outageGrace());
        // Upkeep on the calling event loop (every request reads here): on the common pool it woke a thread every few calls.
        this.valid = Caffeine.newBuilder().executor(Runnable::run)
                .maximumSize(config.maxEntries())
                .ticker(ticker)
                .expireAfter(new Expiry<KeyDigest, Entry>() {
                    @Override
                    public long expireAfterCreate(KeyDigest hash, Entry entry, long now) {
                        return Math.max(0, entry.expiresAtNanos() - now);
                    }

                    @Override
                    public long expireAfterUpdate(KeyDigest hash, Entry entry, long now, long remaining) {
                        return Math.max(0, entry.expiresAtNanos() - now); // a refresh starts the clock again
                    }

                    @Override
                    public long expireAfterRead(KeyDigest hash, Entry entry, long now, long remaining) {
                        return remaining;
                    }
                })
                .build();
        this.inactive = Caffeine.newBuilder().executor(Runnable::run)
                .maximumSize(config.negativeMaxEntries())
                .ticker(ticker)
                .expireAfterWrite(config.negativeTtl())
                .build();
    }

    /**
     * How long an answer stored now may be kept: TTL + outage grace, but never past the key's
     * expiry. Clamped as a Duration first: a far-future {@code exp} (year 9999 is allowed when the
     * realm sets no maximum lifetime) does not fit in a long of nanoseconds.
     */
    private long lifetimeNanos(Identity identity) {
        Instant expiresAt = identity.expiresAt();
        if (expiresAt == null) {
            return lifetime.toNanos();
        }
        Duration left = Duration.between(clock.instant(), expiresAt);
        return left.isNegative() ? 0 : left.compareTo(lifetime) < 0 ? left.toNanos() : lifetime.toNanos();
    }

    /** The answer for a key, loading it with {@code introspect} on a miss. */
    public CompletableFuture<Lookup> get(KeyDigest keyHash, Function<String, CompletableFuture<Introspection>> introspect,
                                         String apiKey) {
        return cached(keyHash, introspect, apiKey).orElseGet(() -> load(keyHash, introspect, apiKey));
    }

    /**
     * What is known without a new introspection: a cached answer (a stale active one also starts a
     * background refresh with {@code refresh}), or the load another request already started.
     */
    public Optional<CompletableFuture<Lookup>> cached(KeyDigest keyHash,
                                                      Function<String, CompletableFuture<Introspection>> refresh,
                                                      String apiKey) {
        if (inactive.getIfPresent(keyHash) != null) {
            return Optional.of(CompletableFuture.completedFuture(new Lookup(Introspection.INACTIVE, true, false, false)));
        }
        Entry entry = valid.getIfPresent(keyHash);
        if (entry != null) {
            boolean stale = ticker.read() - entry.loadedAtNanos() > ttlNanos;
            if (stale) {
                refreshInBackground(keyHash, refresh, apiKey);
            }
            return Optional.of(CompletableFuture.completedFuture(
                    new Lookup(new Introspection.Active(entry.identity()), true, stale, false)));
        }
        CompletableFuture<Introspection> inFlight = loading.get(keyHash);
        return inFlight == null ? Optional.empty()
                : Optional.of(inFlight.thenApply(result -> new Lookup(result, false, false, false)));
    }

    /** Introspects a key nothing is known about; concurrent loads of the same key share one call. */
    public CompletableFuture<Lookup> load(KeyDigest keyHash, Function<String, CompletableFuture<Introspection>> introspect,
                                          String apiKey) {
        // Claim the load first, then start it: an introspection that completes at once must not
        // remove its own claim before anyone could see it.
        CompletableFuture<Introspection> mine = new CompletableFuture<>();
        CompletableFuture<Introspection> other = loading.putIfAbsent(keyHash, mine);
        if (other != null) {
            return other.thenApply(result -> new Lookup(result, false, false, false));
        }
        introspect.apply(apiKey).whenComplete((result, failure) -> {
            Throwable outcome = failure;
            try {
                if (failure == null) {
                    store(keyHash, result); // before the claim goes, so no request finds neither
                }
            } catch (RuntimeException storeFailed) {
                outcome = storeFailed; // never leave the claim behind: every later request would wait on it
            } finally {
                loading.remove(keyHash, mine);
            }
            if (outcome != null) {
                mine.completeExceptionally(outcome);
            } else {
                mine.complete(result);
            }
        });
        return mine.thenApply(result -> new Lookup(result, false, false, true));
    }

    private void store(KeyDigest keyHash, Introspection result) {
        if (result instanceof Introspection.Active active) {
            inactive.invalidate(keyHash);
            Identity identity = canonical.identity(active.identity());
            long now = ticker.read();
            valid.put(keyHash, new Entry(identity, now, now + lifetimeNanos(identity)));
        } else if (result instanceof Introspection.Inactive) {
            valid.invalidate(keyHash);
            inactive.put(keyHash, Boolean.TRUE);
        }
        // Unavailable: nothing learnt, nothing kept.
    }

    private void refreshInBackground(KeyDigest keyHash, Function<String, CompletableFuture<Introspection>> introspect,
                                     String apiKey) {
        CompletableFuture<Void> claim = new CompletableFuture<>();
        if (refreshing.putIfAbsent(keyHash, claim) != null) {
            return;
        }
        introspect.apply(apiKey).whenComplete((result, failure) -> {
            try {
                if (failure == null) {
                    store(keyHash, result); // on failure the old entry stays until ttl + outageGrace
                }
            } finally {
                refreshing.remove(keyHash, claim);
                claim.complete(null);
            }
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

    /** Valid identities cached. */
    public long size() {
        valid.cleanUp();
        return valid.estimatedSize();
    }

    /** Keys cached as inactive. */
    public long inactiveSize() {
        inactive.cleanUp();
        return inactive.estimatedSize();
    }

    private int invalidate(Predicate<Identity> which) {
        Set<KeyDigest> hashes = activeIdentities(which).keySet();
        valid.invalidateAll(hashes);
        return hashes.size();
    }

    private Map<KeyDigest, Identity> activeIdentities(Predicate<Identity> which) {
        return valid.asMap().entrySet().stream()
                .filter(e -> which.test(e.getValue().identity()))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().identity()));
    }
}
