package org.inferenceauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polling with a generous limit instead of racing a deadline on a busy machine. */
public final class Waiting {

    private Waiting() {}

    /** Waits for the condition, fails after {@code limit}, and reports how long it took (in the failsafe output). */
    public static Duration until(String what, Callable<Boolean> condition, Duration limit) throws Exception {
        long started = System.nanoTime();
        while (!condition.call()) {
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat(waited).as(what + " within " + limit).isLessThan(limit);
            Thread.sleep(50);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.println("[waited] " + what + " after " + took.toMillis() + " ms");
        return took;
    }
}
