package org.inferenceauth.gateway.limit.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.inferenceauth.gateway.testing.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("In-memory limit store")
class LocalLimitStoreTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final LocalLimitStore store = new LocalLimitStore(1000, clock);

    private Outcome[] admit(List<Op> ops) {
        return store.admit(ops).toCompletableFuture().join();
    }

    @Test
    @DisplayName("a window refills continuously, fractions kept: 3 a minute is one unit every 20 s")
    void continuousRefill() {
        Op take = Op.take("a:rpm", new Window(3, 3, Duration.ofMinutes(1)));
        for (int i = 2; i >= 0; i--) {
            assertThat(admit(List.of(take))[0].value()).isEqualTo(i);
        }
        Outcome refused = admit(List.of(take))[0];
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.waitMillis()).isEqualTo(20_000L);

        clock.advance(Duration.ofSeconds(10));
        assertThat(admit(List.of(take))[0].waitMillis()).as("half a unit is there").isEqualTo(10_000L);
        clock.advance(Duration.ofSeconds(10));
        assertThat(admit(List.of(take))[0].allowed()).isTrue();
        clock.advance(Duration.ofHours(1));
        assertThat(admit(List.of(take))[0].value()).as("never above capacity").isEqualTo(2L);
    }

    @Test
    @DisplayName("a refused admission gives back what the others took")
    void givesBack() {
        Op window = Op.take("b:rpm", new Window(5, 5, Duration.ofMinutes(1)));
        Op counter = Op.count("b:req:d", 1, Duration.ofDays(2));
        Op slot = Op.slot("b:slots:m", 1);
        admit(List.of(window, counter));
        Outcome[] refused = admit(List.of(window, slot, counter));

        assertThat(refused[2].allowed()).isFalse();
        assertThat(store.peek(Op.peek("b:rpm", window.window())).toCompletableFuture().join().remaining()).isEqualTo(4L);
        assertThat(store.inUse("b:slots:m").toCompletableFuture().join()).isZero();
    }

    @Test
    @DisplayName("operations built apart for one key share its bucket and counter (each keeps them without a lookup)")
    void sharedState() {
        Window window = new Window(10, 1, Duration.ofHours(1));
        Op first = Op.take("d:rpm", window);
        Op again = Op.take("d:rpm", window); // a payer's plan built anew
        Op count = Op.count("d:req:d", 100, Duration.ofDays(2));
        Op add = Op.add("d:req:d", Duration.ofDays(2));
        for (int i = 0; i < 3; i++) {
            admit(List.of(first, count));
        }
        assertThat(admit(List.of(again, count))[0].value()).isEqualTo(6L);
        store.settle(List.of(), List.of(add), 10);
        assertThat(admit(List.of(count))[0].value()).isEqualTo(15L);

        clock.advance(Duration.ofSeconds(2)); // past the recheck: looked up again, still the same bucket
        assertThat(admit(List.of(first))[0].value()).isEqualTo(5L);
        assertThat(store.peek(Op.peek("d:rpm", window)).toCompletableFuture().join().remaining()).isEqualTo(5L);
        assertThat(store.read("d:req:d").toCompletableFuture().join()).isEqualTo(15L);
    }

    @Test
    @DisplayName("parallel calls on one bucket never admit more than it holds")
    void parallel() {
        Op take = Op.take("c:rpm", new Window(100, 1, Duration.ofHours(1)));
        Op slot = Op.slot("c:slots:m", 1000);
        AtomicInteger admitted = new AtomicInteger();
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            calls.add(CompletableFuture.runAsync(() -> {
                if (admit(List.of(take, slot))[0].allowed()) {
                    admitted.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        assertThat(admitted.get()).isEqualTo(100);
        assertThat(store.inUse("c:slots:m").toCompletableFuture().join()).isEqualTo(100L);
    }
}
