package org.inferenceauth.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds, failing after a deadline (no sleep stands in for an assertion). */
public final class Eventually {

    private Eventually() {}

    public static void within(Duration limit, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("condition within " + limit).isLessThan(deadline);
            Thread.sleep(25);
        }
    }

    /** Polls {@code probe} until it gives a value (not null) within 10 s, and returns it. */
    public static <T> T value(Callable<T> probe) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try {
            while (true) {
                T value = probe.call();
                if (value != null) {
                    return value;
                }
                assertThat(System.nanoTime()).as("a value within 10 s").isLessThan(deadline);
                Thread.sleep(25);
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
    }
}
