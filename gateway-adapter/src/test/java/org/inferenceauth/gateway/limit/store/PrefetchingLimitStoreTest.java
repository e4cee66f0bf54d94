package org.inferenceauth.gateway.limit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.gateway.limit.store.ParallelAdmissions.allAllowed;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.inferenceauth.gateway.metrics.GatewayMetrics;
import org.inferenceauth.gateway.testing.MutableClock;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Limits in Redis decided mostly in the replica ({@link PrefetchingLimitStore}), against the shared
 * test Redis (127.0.0.1:6379), each test under a key prefix of its own. What Redis holds is read
 * through a plain {@link RedisLimitStore} on the same prefix, which sees only what reached Redis.
 */
@DisplayName("Redis limits decided in the replica: units taken ahead, charges summed, slots kept")
class PrefetchingLimitStoreTest {

    private static Vertx vertx;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final String prefix = "test:" + UUID.randomUUID() + ":";
    private final List<LimitStore> stores = new ArrayList<>();
    /** Refills one unit an hour: nothing comes back during a test. */
    private final Op minute = Op.take("u:rpm", new Window(100_000, 1, Duration.ofHours(1)));
    private final Op day = Op.count("u:req:d20261130", 1_000_000, Duration.ofDays(2));
    private final Op tokens = Op.peek("u:tpm", new Window(1_000_000, 1, Duration.ofHours(1)));
    private final Op tokensCharge = Op.charge("u:tpm", new Window(1_000_000, 1, Duration.ofHours(1)));
    private final Op tokenBudget = Op.below("u:tok:d20261130", 1_000_000);
    private final Op tokenAdd = Op.add("u:tok:d20261130", Duration.ofDays(2));

    @BeforeAll
    static void startVertx() {
        vertx = ProductionVertx.create();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @AfterEach
    void close() {
        stores.forEach(LimitStore::close);
    }

    private RedisLimitStore redis() {
        RedisLimitStore store = new RedisLimitStore(vertx, "redis://127.0.0.1:6379", Optional.empty(), Duration.ofSeconds(2),
                prefix, Duration.ofSeconds(30), new LocalLimitStore(1000, clock), new StoreHealth(metrics));
        stores.add(store);
        return store;
    }

    private PrefetchingLimitStore replica(RedisLimitStore redis) {
        PrefetchingLimitStore store = new PrefetchingLimitStore(redis);
        stores.add(0, store); // closed before the plain stores
        return store;
    }

    private static Outcome[] admit(LimitStore store, List<Op> ops) {
        return store.admit(ops).toCompletableFuture().join();
    }

    private static long windowLeft(LimitStore store, Op window) {
        return store.peek(Op.peek(window.key().substring(0, window.key().indexOf('#')), window.window()))
                .toCompletableFuture().join().remaining();
    }

    @Test
    @DisplayName("2,000 calls with every kind of limit: a tenth as many Redis runs, the counts exact here and in Redis after close")
    void mostCallsDecidedHere() {
        RedisLimitStore redis = redis();
        PrefetchingLimitStore store = replica(redis);
        Op slot = Op.slot("u:slots:m", 1000);
        List<Op> ops = List.of(minute, day, tokens, tokenBudget, slot);
        int calls = 2000;
        CompletableFuture<Void> settled = null;
        for (int i = 1; i <= calls; i++) {
            Outcome[] outcomes = admit(store, ops);
            assertThat(allAllowed(outcomes)).isTrue();
            settled = store.settle(List.of(outcomes[4].slot()), List.of(tokensCharge, tokenAdd), 10).toCompletableFuture();
        }
        settled.join();
        assertThat(redis.runs()).as("script runs for %d calls", calls).isLessThan(calls / 10);
        // What this replica reports is what Redis would say had every call gone there.
        assertThat(store.read(day.key()).toCompletableFuture().join()).isEqualTo(calls);
        assertThat(store.read(tokenAdd.key()).toCompletableFuture().join()).isEqualTo(10L * calls);
        assertThat(store.inUse(slot.key()).toCompletableFuture().join()).isZero();

        store.close();
        RedisLimitStore reader = redis();
        assertThat(reader.read(day.key()).toCompletableFuture().join()).isEqualTo(calls);
        assertThat(windowLeft(reader, minute)).isEqualTo(100_000 - calls);
        assertThat(reader.read(tokenAdd.key()).toCompletableFuture().join()).isEqualTo(10L * calls);
        assertThat(windowLeft(reader, tokens)).isEqualTo(1_000_000 - 10L * calls);
        assertThat(reader.inUse(slot.key()).toCompletableFuture().join()).isZero();
    }

    @Test
    @DisplayName("two replicas, 600 parallel calls on a counter of 250: never more than 250 admitted, and Redis counts exactly those")
    void neverOverAdmitsAcrossReplicas() throws Exception {
        PrefetchingLimitStore one = replica(redis());
        PrefetchingLimitStore two = replica(redis());
        Op counter = Op.count("u:req:d20261130", 250, Duration.ofDays(2));
        List<Op> ops = List.of(minute, counter);
        int admitted = ParallelAdmissions.admitted(one, two, ops, 600);

        // Units one replica held when the other was refused are the only shortfall: at most an eighth of what was left.
        assertThat(admitted).isBetween(250 - 250 / 8, 250);
        one.close();
        two.close();
        RedisLimitStore reader = redis();
        assertThat(reader.read(counter.key()).toCompletableFuture().join()).isEqualTo(admitted);
        assertThat(windowLeft(reader, minute)).isEqualTo(100_000 - admitted);
    }

    @Test
    @DisplayName("near a limit nothing is taken ahead: each call is decided in Redis, and another replica sees it at once")
    void nearTheLimitExact() {
        PrefetchingLimitStore one = replica(redis());
        PrefetchingLimitStore two = replica(redis());
        Op small = Op.take("u:rpm", new Window(10, 1, Duration.ofHours(1)));
        for (int i = 1; i <= 3; i++) {
            assertThat(admit(one, List.of(small))[0].value()).isEqualTo(10 - i);
        }
        assertThat(one.heldUnits()).isZero();
        assertThat(admit(two, List.of(small))[0].value()).isEqualTo(6);
        for (int i = 0; i < 6; i++) {
            assertThat(admit(i % 2 == 0 ? one : two, List.of(small))[0].allowed()).isTrue();
        }
        assertThat(admit(one, List.of(small))[0].allowed()).isFalse();
        assertThat(admit(two, List.of(small))[0].allowed()).isFalse();
    }

    @Test
    @DisplayName("units taken ahead and not spent go back to Redis after a second, so another replica can use them")
    void unusedUnitsGoBack() throws Exception {
        RedisLimitStore redis = redis();
        PrefetchingLimitStore one = replica(redis);
        admit(one, List.of(minute, day));
        Thread.sleep(100); // the first call's answer started taking units ahead
        for (int i = 0; i < 4; i++) {
            admit(one, List.of(minute, day));
        }
        assertThat(one.heldUnits()).isPositive();
        RedisLimitStore reader = redis();
        assertThat(reader.read(day.key()).toCompletableFuture().join()).isGreaterThan(5);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (one.heldUnits() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(one.heldUnits()).isZero();
        Thread.sleep(200); // the give-back's answer
        assertThat(reader.read(day.key()).toCompletableFuture().join()).isEqualTo(5);
        assertThat(windowLeft(reader, minute)).isEqualTo(100_000 - 5);
    }

    @Test
    @DisplayName("a token budget spent on another replica is refused here within a quarter second")
    void budgetSpentElsewhere() throws Exception {
        PrefetchingLimitStore one = replica(redis());
        PrefetchingLimitStore two = replica(redis());
        Op budget = Op.below("u:tok:d20261130", 1000);
        assertThat(admit(one, List.of(budget))[0].allowed()).isTrue(); // seen: 0 of 1000, now decided here
        two.settle(List.of(), List.of(tokenAdd), 1000).toCompletableFuture().join();
        Thread.sleep(300);
        assertThat(admit(one, List.of(budget))[0].allowed()).isFalse();
    }

    @Test
    @DisplayName("a released slot of a generous limit is kept for this replica's next call, then released; a small limit's at once")
    void keptSlots() throws Exception {
        RedisLimitStore redis = redis();
        PrefetchingLimitStore store = replica(redis);
        RedisLimitStore reader = redis();
        Op generous = Op.slot("u:slots:big", 64);
        Op small = Op.slot("u:slots:small", 12);

        Outcome[] first = admit(store, List.of(generous, small));
        store.settle(List.of(first[0].slot(), first[1].slot()), List.of(), 0).toCompletableFuture().join();
        assertThat(reader.inUse(small.key()).toCompletableFuture().join()).isZero();
        assertThat(reader.inUse(generous.key()).toCompletableFuture().join()).isOne();
        assertThat(store.inUse(generous.key()).toCompletableFuture().join()).isZero();

        long runs = redis.runs();
        Outcome[] again = admit(store, List.of(generous));
        assertThat(again[0].slot()).isNotNull();
        assertThat(redis.runs()).isEqualTo(runs);
        store.settle(List.of(again[0].slot()), List.of(), 0).toCompletableFuture().join();

        Thread.sleep(400);
        assertThat(reader.inUse(generous.key()).toCompletableFuture().join()).isZero();
    }
}
