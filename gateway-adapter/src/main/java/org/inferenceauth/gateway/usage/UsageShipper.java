package org.inferenceauth.gateway.usage;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Takes the {@link UsageLedger}'s entries to Keycloak, on a thread of its own (never a request's):
 * every flush interval the ledger becomes batches with fresh ids, which are sent oldest first —
 * spilled ones before those in memory. While Keycloak is unreachable the batches wait and are
 * retried with exponential backoff under the same ids (and new usage keeps aggregating in the
 * ledger). When more than {@code maxPending} entries are held in memory, or at shutdown with
 * Keycloak still away, the batches go to the {@link UsageSpool} instead of being dropped, and come
 * back with their ids after a restart. A batch Keycloak refuses as malformed is set aside.
 */
public final class UsageShipper {

    private static final System.Logger LOG = System.getLogger(UsageShipper.class.getName());
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final UsageLedger ledger;
    private final UsageDelivery delivery;
    private final UsageSpool spool;
    private final GatewayMetrics metrics;
    private final String source;
    private final Duration flush;
    private final long maxPending;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "usage-shipper");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    // Touched only on the shipper thread (the gauges read the volatile counts).
    private final Deque<UsageBatch> spilled = new ArrayDeque<>();
    private final Deque<UsageBatch> inMemory = new ArrayDeque<>();
    private volatile int spilledCount;
    private volatile int inMemoryEntries;
    private Duration backoff = Duration.ZERO;
    private long retryAtNanos;
    private boolean failing;

    UsageShipper(UsageLedger ledger, UsageDelivery delivery, UsageSpool spool, GatewayMetrics metrics, String source,
                 Duration flush, long maxPending) {
        this.ledger = ledger;
        this.delivery = delivery;
        this.spool = spool;
        this.metrics = metrics;
        this.source = source;
        this.flush = flush;
        this.maxPending = maxPending;
        metrics.gauge("gateway_usage_pending_entries", "Usage entries held in memory, not yet delivered to Keycloak",
                () -> ledger.size() + inMemoryEntries);
        metrics.gauge("gateway_usage_spilled_batches", "Usage batches waiting in spill files", () -> spilledCount);
    }

    /** Picks up what an earlier run spilled, then delivers every flush interval. */
    void start() {
        thread.execute(() -> {
            try {
                spilled.addAll(spool.load());
                if (!spilled.isEmpty()) {
                    LOG.log(Level.INFO, spilled.size() + " spilled usage batches found in " + spool.dir() + "; delivering them");
                }
            } catch (IOException e) {
                LOG.log(Level.ERROR, "Cannot read the usage spill directory " + spool.dir() + ": " + e.getMessage());
            }
            counted();
        });
        thread.scheduleWithFixedDelay(this::safeCycle, flush.toMillis(), flush.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** From the hot path when the ledger is over its bound: a cycle soon, at most one queued at a time. */
    void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    wakeQueued.set(false);
                    safeCycle();
                });
            } catch (RejectedExecutionException stopped) {
                // shutting down: the final round batches the ledger
            }
        }
    }

    long maxPending() {
        return maxPending;
    }

    /** Delivers or spills everything still held, then stops; Keycloak gets one try, whatever the backoff says. */
    CompletableFuture<Void> shutdown() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (thread.isShutdown()) {
            done.complete(null);
            return done;
        }
        thread.execute(() -> {
            try {
                batchLedger();
                retryAtNanos = System.nanoTime();
                deliver();
                spillInMemory();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Usage shutdown failed: " + e);
            } finally {
                thread.shutdown();
                done.complete(null);
            }
        });
        return done;
    }

    private void safeCycle() {
        try {
            cycle();
        } catch (RuntimeException e) { // a scheduled task that throws is never run again
            LOG.log(Level.ERROR, "Usage delivery cycle failed: " + e);
        }
    }

    private void cycle() {
        boolean waiting = System.nanoTime() < retryAtNanos;
        if (!waiting || ledger.size() + inMemoryEntries > maxPending) {
            batchLedger();
        }
        if (inMemoryEntries > maxPending) {
            spillInMemory();
        }
        if (!waiting) {
            deliver();
        }
    }

    private void batchLedger() {
        List<UsageEntry> entries = ledger.drain();
        for (int from = 0; from < entries.size(); from += UsageBatch.MAX_ENTRIES) {
            inMemory.add(UsageBatch.of(source, entries.subList(from, Math.min(entries.size(), from + UsageBatch.MAX_ENTRIES))));
        }
        counted();
    }

    private void deliver() {
        while (!spilled.isEmpty() || !inMemory.isEmpty()) {
            Deque<UsageBatch> queue = spilled.isEmpty() ? inMemory : spilled;
            UsageBatch batch = queue.peekFirst();
            UsageDelivery.Result result = delivery.send(batch);
            switch (result.outcome()) {
                case DELIVERED, DUPLICATE -> {
                    metrics.usageBatch(result.outcome() == UsageDelivery.Outcome.DELIVERED ? "delivered" : "duplicate");
                    if (queue == spilled) {
                        removeSpillFile(batch);
                    }
                    recovered();
                }
                case REJECTED -> {
                    String kept;
                    try {
                        spool.deadLetter(batch);
                        kept = "kept in " + spool.dir().resolve("dead-letter");
                    } catch (IOException e) {
                        kept = "could not be kept (" + e.getMessage() + ")";
                    }
                    LOG.log(Level.ERROR, "Keycloak refused usage batch " + batch.id() + " (" + batch.entries()
                            + " entries) as malformed: " + result.detail() + "; " + kept + ", not retried");
                    metrics.usageBatch("rejected");
                }
                case RETRY -> {
                    metrics.usageBatch("failed");
                    backOff(result.detail());
                    return;
                }
            }
            queue.pollFirst();
            counted();
        }
    }

    private void backOff(String why) {
        backoff = backoff.isZero() ? FIRST_BACKOFF : backoff.multipliedBy(2);
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
            backoff = MAX_BACKOFF;
        }
        retryAtNanos = System.nanoTime() + backoff.toNanos();
        if (!failing) {
            failing = true;
            LOG.log(Level.WARNING, "Usage delivery to Keycloak failed (" + why + "); retrying with backoff, nothing is dropped");
        }
    }

    private void recovered() {
        backoff = Duration.ZERO;
        retryAtNanos = 0;
        if (failing) {
            failing = false;
            LOG.log(Level.INFO, "Usage delivery to Keycloak works again");
        }
    }

    /** Moves every in-memory batch to disk; one that cannot be written stays in memory (and is said so). */
    private void spillInMemory() {
        int kept = inMemory.size();
        for (int i = 0; i < kept; i++) {
            UsageBatch batch = inMemory.pollFirst();
            try {
                spool.write(batch);
                spilled.addLast(batch);
                metrics.usageBatch("spilled");
            } catch (IOException e) {
                inMemory.addLast(batch);
                metrics.usageBatch("spill_failed");
                LOG.log(Level.ERROR, "Could not spill usage batch " + batch.id() + " to " + spool.dir() + ": " + e.getMessage());
            }
        }
        counted();
    }

    private void removeSpillFile(UsageBatch batch) {
        try {
            spool.delete(batch);
        } catch (IOException e) { // delivered anyway; a replay of the file would be a harmless duplicate
            LOG.log(Level.WARNING, "Could not delete delivered usage spill file " + batch.id() + ": " + e.getMessage());
        }
    }

    private void counted() {
        spilledCount = spilled.size();
        inMemoryEntries = inMemory.stream().mapToInt(UsageBatch::entries).sum();
    }
}
