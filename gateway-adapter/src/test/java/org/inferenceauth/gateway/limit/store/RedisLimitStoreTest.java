package org.inferenceauth.gateway.limit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.gateway.limit.store.ParallelAdmissions.allAllowed;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.inferenceauth.gateway.metrics.GatewayMetrics;
import org.inferenceauth.gateway.testing.MutableClock;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.inferenceauth.gateway.testing.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Redis store's two scripts (admission, settlement) against the shared test Redis
 * (127.0.0.1:6379), each test under a key prefix of its own; "replicas" are stores on one Redis.
 */
@DisplayName("Redis limit store: one script per admission and per settlement")
class RedisLimitStoreTest {

    private static Vertx vertx;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final String prefix = "test:" + UUID.randomUUID() + ":";
    private final List<LimitStore> stores = new ArrayList<>();

    @BeforeAll
    static void startVertx() {
        vertx = ProductionVertx.create(); // the jar's transport: Redis connections then live on its loops
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @AfterEach
    void close() {
        stores.forEach(LimitStore::close);
    }

    private RedisLimitStore replica(String url) {
        return replica(vertx, url);
    }

    private RedisLimitStore replica(Vertx vertx, String url) {
        RedisLimitStore store = new RedisLimitStore(vertx, url, Optional.empty(), Duration.ofSeconds(2), prefix, Duration.ofSeconds(30),
                new LocalLimitStore(1000, clock), new StoreHealth(metrics));
        stores.add(store);
        return store;
    }

    private RedisLimitStore replica() {
        return replica("redis://127.0.0.1:6379");
    }

    private static Outcome[] admit(LimitStore store, List<Op> ops) {
        return store.admit(ops).toCompletableFuture().join();
    }

    @Test
    @DisplayName("many parallel calls on one bucket from two replicas never admit more than the tightest limit")
    void parallelCallsNeverOverAdmit() throws Exception {
        RedisLimitStore one = replica();
        RedisLimitStore two = replica();
        Op minute = Op.take("u:rpm", new Window(60, 1, Duration.ofHours(1))); // refills one an hour: none during the test
        Op day = Op.count("u:req:d20261130", 45, Duration.ofDays(2));
        Op slots = Op.slot("u:slots:m", 1000);
        List<Op> ops = List.of(minute, day, slots);
        int admitted = ParallelAdmissions.admitted(one, two, ops, 200);

        assertThat(admitted).isEqualTo(45);
        assertThat(one.read("u:req:d20261130").toCompletableFuture().join()).isEqualTo(45L);
        assertThat(two.peek(Op.peek("u:rpm", minute.window())).toCompletableFuture().join().remaining())
                .as("refused calls took nothing from the window").isEqualTo(15L);
        assertThat(one.inUse("u:slots:m").toCompletableFuture().join()).isEqualTo(45L);
    }

    @Test
    @DisplayName("parallel slot requests get exactly the limit; the settlement's script frees them")
    void parallelSlots() throws Exception {
        RedisLimitStore one = replica();
        RedisLimitStore two = replica();
        Op slot = Op.slot("v:slots:m", 5);
        List<CompletableFuture<Outcome[]>> calls = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            calls.add((i % 2 == 0 ? one : two).admit(List.of(slot)).toCompletableFuture());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        List<Slot> held = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Outcome outcome = calls.get(i).join()[0];
            if (outcome.allowed()) {
                assertThat(outcome.slot()).isNotNull();
                (i % 2 == 0 ? one : two).settle(List.of(outcome.slot()), List.of(), 0).toCompletableFuture().join();
                held.add(outcome.slot());
            }
        }

        assertThat(held).hasSize(5);
        assertThat(one.inUse("v:slots:m").toCompletableFuture().join()).isZero();
        held.forEach(Slot::release); // already released: nothing more happens
        assertThat(allAllowed(admit(one, List.of(slot)))).isTrue();
    }

    @Test
    @DisplayName("a refused admission takes nothing: windows, counters and slots stay as they were")
    void allOrNothing() {
        RedisLimitStore store = replica();
        Op window = Op.take("w:rpm", new Window(5, 5, Duration.ofMinutes(1)));
        Op counter = Op.count("w:req:d", 1, Duration.ofDays(2));
        Op slot = Op.slot("w:slots:m", 3);
        List<Op> ops = List.of(window, counter, slot);

        Outcome[] first = admit(store, ops);
        Outcome[] second = admit(store, ops);

        assertThat(allAllowed(first)).isTrue();
        assertThat(first[0].value()).isEqualTo(4L);
        assertThat(first[1].value()).isEqualTo(1L);
        assertThat(second[1].allowed()).isFalse();
        assertThat(second[0].allowed()).as("the window would have allowed").isTrue();
        assertThat(second[2].allowed()).isTrue();
        assertThat(second[2].slot()).as("no slot was taken").isNull();
        assertThat(store.peek(Op.peek("w:rpm", window.window())).toCompletableFuture().join().remaining()).isEqualTo(4L);
        assertThat(store.read("w:req:d").toCompletableFuture().join()).isEqualTo(1L);
        assertThat(store.inUse("w:slots:m").toCompletableFuture().join()).isEqualTo(1L);
    }

    @Test
    @DisplayName("settlement: tokens charged to the window (below zero) and the budget, and the slot freed, in one call")
    void settlement() {
        RedisLimitStore store = replica();
        Window tpm = new Window(1000, 1000, Duration.ofMinutes(1));
        Op peek = Op.peek("x:tpm", tpm);
        Op budget = Op.below("x:tok:d", 500);
        Op slot = Op.slot("x:slots:m", 1);
        Outcome[] admitted = admit(store, List.of(peek, budget, slot));
        assertThat(allAllowed(admitted)).isTrue();

        store.settle(List.of(admitted[2].slot()), List.of(Op.charge("x:tpm", tpm), Op.add("x:tok:d", Duration.ofDays(2))),
                1200).toCompletableFuture().join();

        Outcome[] after = admit(store, List.of(peek, budget, slot));
        assertThat(after[0].allowed()).isFalse();
        assertThat(after[0].value()).isBetween(-200L, -199L);
        // 200 below zero, refilling 1000 a minute: one unit in about 12 s
        assertThat(after[0].waitMillis()).isBetween(11_000L, 12_100L);
        assertThat(after[1].allowed()).isFalse();
        assertThat(after[1].value()).isEqualTo(1200L);
        assertThat(after[2].allowed()).as("the slot was released").isTrue();
        assertThat(store.inUse("x:slots:m").toCompletableFuture().join()).isZero();
    }


    @Test
    @DisplayName("a call made on an event loop is sent and answered on that loop, for every loop: no other thread carries it")
    void answeredOnTheCallersLoop() throws Exception {
        RedisLimitStore store = replica();
        Op window = Op.take("loop:rpm", new Window(100, 1, Duration.ofHours(1)));
        Set<Thread> loops = new HashSet<>();
        for (int i = 0; i < VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE; i++) {
            // New event-loop contexts are spread over the loops in turn.
            ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
            CompletableFuture<Thread> caller = new CompletableFuture<>();
            CompletableFuture<Thread> answeredOn = new CompletableFuture<>();
            context.runOnContext(v -> {
                caller.complete(Thread.currentThread());
                store.admit(List.of(window)).whenComplete((outcomes, error) -> answeredOn.complete(Thread.currentThread()));
            });
            assertThat(answeredOn.get(10, TimeUnit.SECONDS)).isSameAs(caller.join());
            loops.add(caller.join());
        }
        assertThat(loops).as("every loop was tried").hasSize(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
        assertThat(store.peek(Op.peek("loop:rpm", window.window())).toCompletableFuture().join().remaining())
                .isEqualTo(100L - VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
    }

    @Test
    @DisplayName("a gateway on NIO where Redis's client would pick io_uring keeps Lettuce's own threads, and counts as well")
    void otherTransport() {
        Assumptions.assumeTrue(Transport.IO_URING.available(), "without io_uring, Lettuce picks NIO too");
        Vertx nio = Vertx.builder().withTransport(Transport.NIO).build();
        try {
            RedisLimitStore store = replica(nio, "redis://127.0.0.1:6379");
            Op window = Op.take("nio:rpm", new Window(10, 1, Duration.ofHours(1)));
            assertThat(allAllowed(admit(store, List.of(window)))).isTrue();
            assertThat(admit(store, List.of(window))[0].value()).isEqualTo(8L);
            store.close();
        } finally {
            nio.close().await();
        }
    }

    @Test
    @DisplayName("calls arriving while a run is out go together in one script run, each decided as if alone, in order")
    void batchedAdmissionsInOrder() {
        RedisLimitStore store = replica();
        Op window = Op.take("b:rpm", new Window(100, 1, Duration.ofHours(1)));
        Op counter = Op.count("b:req:d", 3, Duration.ofDays(2));
        List<CompletableFuture<Outcome[]>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            calls.add(store.admit(List.of(window, counter)).toCompletableFuture());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();

        for (int i = 0; i < calls.size(); i++) {
            assertThat(allAllowed(calls.get(i).join())).as("call %d", i).isEqualTo(i < 3);
        }
        assertThat(calls.get(2).join()[0].value()).as("what the third call left in the window").isEqualTo(97L);
        assertThat(calls.get(39).join()[1].value()).as("a refused call sees the counter at its limit").isEqualTo(3L);
        assertThat(store.runs()).as("40 calls in a few script runs, not 40").isLessThan(20);
        assertThat(store.peek(Op.peek("b:rpm", window.window())).toCompletableFuture().join().remaining())
                .as("refused calls took nothing").isEqualTo(97L);
        assertThat(store.read("b:req:d").toCompletableFuture().join()).isEqualTo(3L);
    }

    @Test
    @DisplayName("a group of calls that all fit is answered whole: each call still sees what it left, and gets its slot")
    void wholeGroup() {
        RedisLimitStore store = replica();
        Op window = Op.take("g:rpm", new Window(100, 1, Duration.ofHours(1)));
        Op tokens = Op.peek("g:tpm", new Window(500, 1, Duration.ofHours(1)));
        Op counter = Op.count("g:req:d", 1000, Duration.ofDays(2));
        Op budget = Op.below("g:tok:d", 1000);
        Op slot = Op.slot("g:slots:m", 50);
        List<Op> ops = List.of(window, tokens, counter, budget, slot);
        List<CompletableFuture<Outcome[]>> calls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            calls.add(store.admit(ops).toCompletableFuture());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();

        for (int i = 0; i < calls.size(); i++) {
            Outcome[] outcomes = calls.get(i).join();
            assertThat(allAllowed(outcomes)).as("call %d", i).isTrue();
            assertThat(outcomes[0].value()).as("window left after call %d", i).isEqualTo(99L - i);
            assertThat(outcomes[1].value()).isEqualTo(500L);
            assertThat(outcomes[2].value()).as("count after call %d", i).isEqualTo(i + 1L);
            assertThat(outcomes[3].value()).isZero();
            assertThat(outcomes[4].slot()).isNotNull();
        }
        assertThat(store.runs()).as("29 calls waited for the first one's run").isLessThan(10);
        assertThat(store.inUse("g:slots:m").toCompletableFuture().join()).isEqualTo(30L);
        assertThat(store.read("g:req:d").toCompletableFuture().join()).isEqualTo(30L);
        calls.forEach(call -> store.settle(List.of(call.join()[4].slot()), List.of(), 0));
        assertThat(store.settle(List.of(), List.of(Op.add("g:tok:d", Duration.ofDays(2))), 5).toCompletableFuture().join())
                .isNull();
        assertThat(store.inUse("g:slots:m").toCompletableFuture().join()).as("every lease released").isZero();
        assertThat(store.read("g:tok:d").toCompletableFuture().join()).isEqualTo(5L);
    }

    @Test
    @DisplayName("batched settlements from two replicas are summed per key and none is lost, also when a replica closes at once")
    void batchedSettlementsAddUp() throws Exception {
        RedisLimitStore one = replica();
        RedisLimitStore two = replica();
        Window tpm = new Window(1_000_000, 1, Duration.ofHours(1));
        List<Op> charges = List.of(Op.charge("s:tpm", tpm), Op.add("s:tok:d", Duration.ofDays(2)));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            RedisLimitStore store = i % 2 == 0 ? one : two;
            calls.add(CompletableFuture.runAsync(() -> store.settle(List.of(), charges, 7), threads));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        threads.shutdown();
        one.close(); // queued settlements still go before the connection closes
        two.close();

        RedisLimitStore reader = replica();
        assertThat(reader.read("s:tok:d").toCompletableFuture().join()).isEqualTo(2100L);
        assertThat(reader.peek(Op.peek("s:tpm", tpm)).toCompletableFuture().join().remaining()).isEqualTo(1_000_000L - 2100);
        assertThat(one.runs() + two.runs()).as("300 settlements in fewer runs").isLessThan(300);
    }

    @Test
    @DisplayName("a released slot is free for the next call even when both wait for the same run")
    void releaseBeforeAdmissionInOneRun() {
        RedisLimitStore store = replica();
        Op slot = Op.slot("r:slots:m", 1);
        Outcome[] first = admit(store, List.of(slot));
        assertThat(first[0].slot()).isNotNull();

        CompletableFuture<Void> released = store.settle(List.of(first[0].slot()), List.of(), 0).toCompletableFuture();
        CompletableFuture<Outcome[]> next = store.admit(List.of(slot)).toCompletableFuture();
        CompletableFuture<Outcome[]> full = store.admit(List.of(slot)).toCompletableFuture();

        released.join();
        assertThat(next.join()[0].allowed()).isTrue();
        assertThat(full.join()[0].allowed()).as("one slot: the call after is refused").isFalse();
        assertThat(store.inUse("r:slots:m").toCompletableFuture().join()).isEqualTo(1L);
    }


    @Test
    @DisplayName("Redis cut: windows and counters unknown (the call goes ahead), slots from the replica's own store")
    void outageFallsBack() {
        TcpRelay relay = new TcpRelay(vertx, "127.0.0.1", 6379).start();
        try {
            RedisLimitStore store = replica("redis://127.0.0.1:" + relay.port());
            Op window = Op.take("y:rpm", new Window(1, 1, Duration.ofMinutes(1)));
            Op slot = Op.slot("y:slots:m", 1);
            assertThat(allAllowed(admit(store, List.of(window, slot)))).isTrue();

            relay.cut();

            Outcome[] during = admit(store, List.of(window, slot));
            assertThat(during[0]).isEqualTo(Outcome.UNKNOWN);
            assertThat(during[1].allowed()).isTrue();
            assertThat(during[1].slot()).as("a slot of this replica").isNotNull();
            Outcome[] full = admit(store, List.of(window, slot));
            assertThat(full[1].allowed()).as("the replica's own limit holds").isFalse();
            store.settle(List.of(during[1].slot()), List.of(), 0).toCompletableFuture().join();
            assertThat(admit(store, List.of(window, slot))[1].allowed()).as("released locally").isTrue();
            assertThat(metrics.scrape()).contains("gateway_rate_limit_store_down 1.0");
        } finally {
            relay.close();
        }
    }
}
