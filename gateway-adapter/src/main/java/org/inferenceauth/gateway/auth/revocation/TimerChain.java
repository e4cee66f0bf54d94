package org.inferenceauth.gateway.auth.revocation;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs a step now, then again one interval after each run started (at once if it took longer): a
 * slow run does not shift the ones after it. Never two runs of one chain at a time. Timers are set
 * from {@code context}, so the steps of every chain given the same context run on its thread, one at
 * a time.
 */
final class TimerChain {

    private final Vertx vertx;
    private final Context context;
    private final Duration interval;
    private final Supplier<Future<Void>> step;
    private volatile boolean stopped;
    private volatile long timerId = -1;

    TimerChain(Vertx vertx, Context context, Duration interval, Supplier<Future<Void>> step) {
        this.vertx = vertx;
        this.context = context;
        this.interval = interval;
        this.step = step;
    }

    /** Runs the first step now; the future completes when it ended. Once stopped, it does nothing. */
    Future<Void> start() {
        if (stopped) { // stop() while the gateway was still starting
            return Future.succeededFuture();
        }
        Promise<Void> first = Promise.promise();
        context.runOnContext(v -> run().onComplete(first));
        return first.future();
    }

    void stop() {
        stopped = true;
        long id = timerId;
        if (id >= 0) {
            vertx.cancelTimer(id);
        }
    }

    private Future<Void> run() {
        long started = System.nanoTime();
        // compose: a step that throws fails its future instead of ending the chain.
        return Future.<Void>succeededFuture().compose(v -> step.get()).andThen(done -> scheduleNext(started));
    }

    private void scheduleNext(long runStarted) {
        // On the context whatever thread ended the step: a timer fires on the context it was set from.
        context.runOnContext(v -> {
            if (!stopped) {
                long elapsedMillis = (System.nanoTime() - runStarted) / 1_000_000;
                timerId = vertx.setTimer(Math.max(1, interval.toMillis() - elapsedMillis), id -> {
                    if (!stopped) { // stop() may have come just before this timer was set
                        run();
                    }
                });
            }
        });
    }
}
