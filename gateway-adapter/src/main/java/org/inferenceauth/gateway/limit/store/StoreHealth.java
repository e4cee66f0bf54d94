package org.inferenceauth.gateway.limit.store;

import java.util.concurrent.atomic.AtomicBoolean;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Whether the shared limit store answers. Every failure is counted; the log gets one warning when an
 * outage starts and one line when the store answers again, never one per request. "Again" means
 * answering with no failure for {@link #QUIET}: the gateway's two Redis connections notice a cut at
 * slightly different moments, and an answer on one while the other fails is not a recovery.
 */
public final class StoreHealth {

    private static final System.Logger LOG = System.getLogger(StoreHealth.class.getName());

    private final GatewayMetrics metrics;
    static final long QUIET = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final AtomicBoolean down = new AtomicBoolean();
    private volatile long lastFailure;

    public StoreHealth(GatewayMetrics metrics) {
        this.metrics = metrics;
        metrics.gauge("gateway_rate_limit_store_down", "1 while the shared limit store (Redis) fails, else 0",
                () -> down.get() ? 1 : 0);
    }

    void failed(Throwable error) {
        lastFailure = System.nanoTime();
        metrics.rateLimitStoreError();
        if (down.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "The limit store (Redis) failed (" + describe(error) + "): until it "
                    + "answers again, request windows and budgets are not enforced and concurrency is limited per replica");
        }
    }

    void answered() {
        if (down.get() && System.nanoTime() - lastFailure > QUIET && down.compareAndSet(true, false)) {
            LOG.log(System.Logger.Level.INFO, "The limit store (Redis) answers again: limits are shared by every replica again");
        }
    }

    public boolean isDown() {
        return down.get();
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
