package org.inferenceauth.gateway.auth.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The full re-check: every cached key once per interval, spread over the rounds; urgent after a gap")
class FullRecheckTest {

    static final Duration SECOND = Duration.ofSeconds(1);
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final List<String> cached = IntStream.range(0, 100_000).mapToObj(i -> "key" + i).toList();

    FullRecheck recheck(Duration interval) {
        return new FullRecheck(interval, SECOND, 500, 10_000, now::get);
    }

    /** One round one second after the previous; the ids it re-checks. */
    List<String> round(FullRecheck recheck) {
        List<String> ids = new ArrayList<>();
        recheck.batchesForRound(() -> cached).forEach(batch -> {
            assertThat(batch).hasSizeLessThanOrEqualTo(500);
            ids.addAll(batch);
        });
        now.addAndGet(SECOND.toNanos());
        return ids;
    }

    @Test
    @DisplayName("100,000 keys, 5 min: one batch of 500 a round, every key once within the interval, then again")
    void spreadOverInterval() {
        FullRecheck recheck = recheck(Duration.ofMinutes(5));
        Set<String> seen = new HashSet<>();
        int mostInOneRound = 0;
        for (int r = 0; r < 300; r++) {
            List<String> ids = round(recheck);
            mostInOneRound = Math.max(mostInOneRound, ids.size());
            seen.addAll(ids);
        }
        assertThat(seen).hasSize(cached.size());
        assertThat(mostInOneRound).isEqualTo(500);
        assertThat(round(recheck)).as("the next interval starts the next sweep").hasSize(500);
    }

    @Test
    @DisplayName("interval = poll interval reproduces the old behaviour: every key every round")
    void everyRound() {
        FullRecheck recheck = recheck(SECOND);
        assertThat(round(recheck)).hasSize(cached.size());
        assertThat(round(recheck)).hasSize(cached.size());
    }

    @Test
    @DisplayName("an urgent request starts a new sweep at the next round, 10,000 ids a round, never all at once")
    void urgent() {
        FullRecheck recheck = recheck(Duration.ofMinutes(5));
        round(recheck);
        round(recheck);
        recheck.requestUrgent("test");
        Set<String> seen = new HashSet<>();
        for (int r = 0; r < 10; r++) {
            List<String> ids = round(recheck);
            assertThat(ids).hasSize(10_000);
            seen.addAll(ids);
        }
        assertThat(seen).as("a fresh snapshot: every key, including those the periodic sweep had done").hasSize(cached.size());
        assertThat(recheck.inProgress()).isFalse();
        assertThat(round(recheck)).as("then the periodic pace again, its interval counted from the urgent sweep").isEmpty();
    }

    @Test
    @DisplayName("urgent requests during an urgent sweep (a feed that keeps failing) do not restart it: it ends, then another runs")
    void urgentDuringUrgent() {
        FullRecheck recheck = recheck(Duration.ofMinutes(5));
        recheck.requestUrgent("test");
        Set<String> seen = new HashSet<>();
        for (int r = 0; r < 10; r++) {
            recheck.requestUrgent("feed still failing");
            seen.addAll(round(recheck));
        }
        assertThat(seen).hasSize(cached.size());
        assertThat(round(recheck)).as("the request made meanwhile starts another sweep").hasSize(10_000);
    }

    @Test
    @DisplayName("batches a failed call did not check come first in the next round")
    void retry() {
        FullRecheck recheck = recheck(Duration.ofMinutes(5));
        List<List<String>> first = recheck.batchesForRound(() -> cached);
        recheck.retry(first);
        assertThat(recheck.batchesForRound(() -> cached)).isEqualTo(first);
    }

    @Test
    @DisplayName("bad settings are refused")
    void badSettings() {
        assertThatThrownBy(() -> new FullRecheck(Duration.ZERO, SECOND, 500, 1, now::get))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FullRecheck(SECOND, SECOND, 0, 1, now::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
