package org.inferenceauth.gateway.auth.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.auth.apikey.Introspection;
import org.inferenceauth.gateway.auth.apikey.KeycloakUnavailableException;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.gateway.limit.policy.DeliveredLimits;
import org.inferenceauth.gateway.limit.policy.LimitSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The API-key cache")
class ApiKeyCacheTest {

    static final Duration TTL = Duration.ofSeconds(60);
    static final Duration NEGATIVE_TTL = Duration.ofSeconds(10);
    static final Duration GRACE = Duration.ofMinutes(5);

    /** The wall clock the keys' expiry is read against: a fixed day far from the machine's own time. */
    static final Instant WALL = Instant.parse("2031-05-04T10:00:00Z");

    final AtomicLong now = new AtomicLong(1);
    final Ticker ticker = now::get;
    final ApiKeyCache cache = new ApiKeyCache(new GatewayConfig.KeyCache(TTL, NEGATIVE_TTL, GRACE, 1000, 1000, Set.of("ik")),
            ticker, Clock.fixed(WALL, ZoneOffset.UTC));
    final AtomicInteger calls = new AtomicInteger();

    static Introspection active(String keyId, String subject) {
        return expiringAt(keyId, subject, null);
    }

    static Introspection expiringAt(String keyId, String subject, Instant exp) {
        return new Introspection.Active(new Identity(Identity.Kind.API_KEY, subject, "user", "personal", keyId, "c",
                Set.of(), null, exp));
    }

    Function<String, CompletableFuture<Introspection>> answering(Introspection answer) {
        return key -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(answer);
        };
    }

    Function<String, CompletableFuture<Introspection>> failing() {
        return key -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new KeycloakUnavailableException("down"));
        };
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    /** Bounded: a lookup that never completes is a failure here, not a hung build. */
    ApiKeyCache.Lookup get(String hash, Function<String, CompletableFuture<Introspection>> loader) {
        return cache.get(KeyDigest.of(hash), loader, "the-key").orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    @DisplayName("a miss calls the loader once; a hit does not")
    void hitAndMiss() {
        assertThat(get("h1", answering(active("k1", "s1"))).hit()).isFalse();
        assertThat(get("h1", answering(active("k1", "s1"))).hit()).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    @DisplayName("concurrent misses for the same key share one load")
    void oneFlight() {
        CompletableFuture<Introspection> pending = new CompletableFuture<>();
        Function<String, CompletableFuture<Introspection>> slow = key -> {
            calls.incrementAndGet();
            return pending;
        };
        List<CompletableFuture<ApiKeyCache.Lookup>> lookups = List.of(
                cache.get(KeyDigest.of("h"), slow, "k"), cache.get(KeyDigest.of("h"), slow, "k"), cache.get(KeyDigest.of("h"), slow, "k"));
        pending.complete(active("k1", "s1"));

        lookups.forEach(l -> assertThat(l.join().result()).isInstanceOf(Introspection.Active.class));
        assertThat(calls).hasValue(1);
    }

    @Test
    @DisplayName("an inactive answer is cached only for the negative TTL")
    void negativeTtl() {
        get("bad", answering(Introspection.INACTIVE));
        advance(NEGATIVE_TTL.minusSeconds(1));
        get("bad", answering(Introspection.INACTIVE));
        assertThat(calls).hasValue(1);

        advance(Duration.ofSeconds(2));
        get("bad", answering(Introspection.INACTIVE));
        assertThat(calls).hasValue(2);
    }

    @Test
    @DisplayName("a failed load is not cached: the next request asks again")
    void failureNotCached() {
        assertThatThrownBy(() -> get("h", failing())).hasCauseInstanceOf(KeycloakUnavailableException.class);
        assertThat(get("h", answering(active("k1", "s1"))).result()).isInstanceOf(Introspection.Active.class);
        assertThat(calls).hasValue(2);
    }

    @Test
    @DisplayName("an 'unavailable' answer reaches the waiting requests but is not kept")
    void unavailableNotKept() {
        assertThat(get("h", answering(new Introspection.Unavailable("down"))).result())
                .isInstanceOf(Introspection.Unavailable.class);
        assertThat(get("h", answering(active("k1", "s1"))).result()).isInstanceOf(Introspection.Active.class);
        assertThat(calls).hasValue(2);
    }

    @Test
    @DisplayName("during an outage reported as 'unavailable' answers, a stale active entry keeps serving")
    void unavailableRefreshKeepsStale() {
        get("h", answering(active("k1", "s1")));
        advance(TTL.plusSeconds(1));

        assertThat(get("h", answering(new Introspection.Unavailable("down"))).result()).isInstanceOf(Introspection.Active.class);
        assertThat(get("h", answering(new Introspection.Unavailable("down"))).result()).isInstanceOf(Introspection.Active.class);
    }

    @Test
    @DisplayName("a stale active entry is served while one background refresh replaces it")
    void refreshAfterTtl() {
        get("h", answering(active("k1", "s1")));
        advance(TTL.plusSeconds(1));

        ApiKeyCache.Lookup stale = get("h", answering(Introspection.INACTIVE));

        assertThat(stale.result()).isInstanceOf(Introspection.Active.class);
        assertThat(calls).hasValue(2);
        assertThat(get("h", answering(Introspection.INACTIVE)).result()).isInstanceOf(Introspection.Inactive.class);
    }

    @Test
    @DisplayName("every TTL period refreshes again, also when the introspection answers at once")
    void refreshesRepeatedly() {
        get("h", answering(active("k1", "s1")));
        for (int period = 1; period <= 3; period++) {
            advance(TTL.plusSeconds(1));
            get("h", answering(active("k1", "s1")));
            assertThat(calls).as("after period %d", period).hasValue(1 + period);
        }
    }

    @Test
    @DisplayName("during an outage an active entry keeps serving until TTL + grace, then is gone")
    void outageGrace() {
        get("h", answering(active("k1", "s1")));

        advance(TTL.plus(GRACE).minusSeconds(1));
        assertThat(get("h", failing()).result()).isInstanceOf(Introspection.Active.class);

        advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> get("h", failing())).hasCauseInstanceOf(KeycloakUnavailableException.class);
    }

    @Test
    @DisplayName("revocations evict by key id and by subject, and active key ids are listed for the re-check")
    void invalidation() {
        get("h1", answering(active("k1", "alice")));
        get("h2", answering(active("k2", "alice")));
        get("h3", answering(active("k3", "bob")));
        get("h4", answering(Introspection.INACTIVE));

        assertThat(cache.activeKeyIds()).containsExactlyInAnyOrder("k1", "k2", "k3");
        assertThat(cache.invalidateKeyIds(List.of("k3"))).isEqualTo(1);
        assertThat(cache.invalidateSubject("alice")).isEqualTo(2);
        assertThat(cache.activeKeyIds()).isEmpty();
    }

    @Test
    @DisplayName("identities of one person share their repeated parts (subject, project, scopes, limits), values unchanged")
    void repeatedPartsShared() {
        get("h1", answering(personsKey("k1")));
        get("h2", answering(personsKey("k2")));

        Identity first = ((Introspection.Active) get("h1", failing()).result()).identity();
        Identity second = ((Introspection.Active) get("h2", failing()).result()).identity();
        assertThat(first).isEqualTo(((Introspection.Active) personsKey("k1")).identity());
        assertThat(second.keyId()).isEqualTo("k2");
        assertThat(second.subject()).isSameAs(first.subject());
        assertThat(second.username()).isSameAs(first.username());
        assertThat(second.project()).isSameAs(first.project());
        assertThat(second.clientId()).isSameAs(first.clientId());
        assertThat(second.scopes()).isSameAs(first.scopes());
        assertThat(second.limits()).isSameAs(first.limits());
        assertThat(calls).hasValue(2);
    }

    /** A key of alice as a fresh introspection answer parses it: every string and set a new object. */
    static Introspection personsKey(String keyId) {
        LimitSet perMinute = new LimitSet(Map.of(LimitSet.Field.REQUESTS_PER_MINUTE, 60L), 0);
        return new Introspection.Active(new Identity(Identity.Kind.API_KEY, new String("sub-alice"), new String("alice"),
                new String("thesis"), keyId, new String("account-console"),
                Set.of(new String("model:m1"), new String("model:m2")), null, null, Identity.Channel.API,
                new DeliveredLimits(perMinute, new LimitSet(Map.of(LimitSet.Field.TOKENS_PER_DAY, 1000L), 0), null,
                        perMinute, null)));
    }

    @Test
    @DisplayName("keys are the credential's full SHA-256: equal for the same credential only, never printed")
    void keyDigest() {
        assertThat(KeyDigest.of("ik_abc")).isEqualTo(KeyDigest.of(new String("ik_abc")))
                .hasSameHashCodeAs(KeyDigest.of("ik_abc"))
                .isNotEqualTo(KeyDigest.of("ik_abd"));
        KeyDigest digest = KeyDigest.of("ik_abc");
        assertThat(String.format("%016x%016x%016x%016x", digest.w0(), digest.w1(), digest.w2(), digest.w3()))
                .isEqualTo(KeyHash.of("ik_abc"));
        assertThat(digest.toString()).doesNotContain(Long.toHexString(digest.w0()));
    }

    @Nested
    @DisplayName("a key's expiry (exp)")
    class KeyExpiry {

        @Test
        @DisplayName("an identity is kept until the key expires when that comes before TTL + grace, measured on the ticker")
        void keptUntilExp() {
            // Only the ticker moves: the time left is read from the wall clock once, when the answer is stored.
            get("h", answering(expiringAt("k1", "s1", WALL.plusSeconds(30))));

            advance(Duration.ofSeconds(29));
            assertThat(get("h", failing()).hit()).isTrue();
            advance(Duration.ofSeconds(2));
            assertThat(get("h", answering(Introspection.INACTIVE)).result()).isInstanceOf(Introspection.Inactive.class);
            assertThat(calls).hasValue(2);
        }

        @Test
        @DisplayName("a key expiring after TTL + grace is kept TTL + grace, as one without exp")
        void laterExpiryIsNoLongerLife() {
            get("h", answering(expiringAt("k1", "s1", WALL.plus(TTL).plus(GRACE).plusSeconds(3600))));

            advance(TTL.plus(GRACE).minusSeconds(1));
            assertThat(get("h", failing()).hit()).isTrue();
            advance(Duration.ofSeconds(2));
            assertThatThrownBy(() -> get("h", failing())).hasCauseInstanceOf(KeycloakUnavailableException.class);
        }

        @ParameterizedTest(name = "exp {0}")
        @ValueSource(strings = {"9999-12-31T23:59:59Z", "+1000000000-12-31T23:59:59.999999999Z"})
        @DisplayName("a far-future exp (no maximum lifetime in the realm) is cached like a key without exp, not an overflow")
        void farFuture(String exp) {
            ApiKeyCache.Lookup first = get("h", answering(expiringAt("k1", "s1", Instant.parse(exp))));

            assertThat(first.result()).isInstanceOf(Introspection.Active.class);
            advance(TTL.plus(GRACE).minusSeconds(1));
            assertThat(get("h", failing()).hit()).isTrue();
            advance(Duration.ofSeconds(2));
            assertThatThrownBy(() -> get("h", failing())).hasCauseInstanceOf(KeycloakUnavailableException.class);
        }

        @Test
        @DisplayName("an answer for a key already past its exp is handed to the waiting request but not kept")
        void alreadyExpired() {
            assertThat(get("h", answering(expiringAt("k1", "s1", WALL.minusSeconds(1)))).result())
                    .isInstanceOf(Introspection.Active.class);

            assertThat(get("h", answering(Introspection.INACTIVE)).result()).isInstanceOf(Introspection.Inactive.class);
            assertThat(calls).hasValue(2);
        }
    }
}
