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
}
