package org.inferenceauth.gateway.auth.revocation;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The slow safety net under the feed: a re-check of every cached key id with Keycloak, cut into
 * batches and spread over the rounds of one interval, so Keycloak's load from it is the cached keys
 * divided by the interval instead of the cached keys every second. A periodic sweep finishes within
 * its interval; an urgent one (after a feed gap or outage, or a realm-wide change announced on the
 * feed) takes a fresh snapshot at once and hands out {@code urgentIdsPerRound} ids per round (the
 * poller may hand some back, see {@link #retry}): never one burst of every batch, but quick. Synchronized: a round run by hand (tests, the simulation)
 * may overlap the timer's.
 */
final class FullRecheck {

    private static final Logger LOG = System.getLogger(FullRecheck.class.getName());

    private final Duration interval;
    private final Duration pollInterval;
    private final int batchSize;
    private final int urgentBatchesPerRound;
    private final LongSupplier nanoTime;
    private final Deque<List<String>> pending = new ArrayDeque<>();
    private boolean urgent;
    private boolean urgentRequested;
    private long deadlineNanos;
    private long nextSweepNanos;
    private boolean started;

    /**
     * @param interval          a periodic sweep starts this long after the previous one started
     * @param pollInterval      the time between rounds, to spread a sweep's batches over its interval
     * @param batchSize         ids per re-check call
     * @param urgentIdsPerRound ids an urgent sweep hands out per round (more if its interval needs more)
     */
    FullRecheck(Duration interval, Duration pollInterval, int batchSize, int urgentIdsPerRound, LongSupplier nanoTime) {
        if (interval.isNegative() || interval.isZero() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("full re-check and poll intervals must be positive");
        }
        if (batchSize < 1 || urgentIdsPerRound < 1) {
            throw new IllegalArgumentException("batch size and urgent ids per round must be at least 1");
        }
        this.interval = interval;
        this.pollInterval = pollInterval;
        this.batchSize = batchSize;
        this.urgentBatchesPerRound = Math.max(1, urgentIdsPerRound / batchSize);
        this.nanoTime = nanoTime;
    }

    /**
     * A new sweep over every cached key id, at the urgent pace: from the next round, or, if an urgent
     * sweep is under way, right after it.
     */
    synchronized void requestUrgent(String reason) {
        if (!urgentRequested) {
            LOG.log(Level.DEBUG, "Full re-check of the cached keys requested: " + reason);
        }
        urgentRequested = true;
    }

    /** Whether a sweep has batches left. */
    synchronized boolean inProgress() {
        return !pending.isEmpty();
    }

    /**
     * The batches to check in this round, taken out of the sweep. Starts a sweep (a snapshot of
     * {@code cachedKeyIds}) if one was requested or the periodic one is due. Hand a batch whose
     * check failed back with {@link #retry}.
     */
    synchronized List<List<String>> batchesForRound(Supplier<Collection<String>> cachedKeyIds) {
        long now = nanoTime.getAsLong();
        // An urgent request during an urgent sweep waits for its end, then starts another: restarting
        // would never finish while the feed keeps failing, and ids already checked need it again.
        if (urgentRequested && !(urgent && !pending.isEmpty())) {
            start(cachedKeyIds.get(), now, true);
        } else if (pending.isEmpty() && (!started || now - nextSweepNanos >= 0)) {
            start(cachedKeyIds.get(), now, false);
        }
        int take = Math.min(pending.size(), batchesThisRound(now));
        List<List<String>> batches = new ArrayList<>(take);
        for (int i = 0; i < take; i++) {
            batches.add(pending.pollFirst());
        }
        if (pending.isEmpty()) {
            urgent = false;
        }
        return batches;
    }

    /** Batches a failed round did not check, first in line for the next round, in their order. */
    synchronized void retry(List<List<String>> unchecked) {
        for (int i = unchecked.size() - 1; i >= 0; i--) {
            pending.addFirst(unchecked.get(i));
        }
    }

    private void start(Collection<String> ids, long now, boolean isUrgent) {
        pending.clear();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += batchSize) {
            pending.add(all.subList(from, Math.min(all.size(), from + batchSize)));
        }
        started = true;
        urgent = isUrgent;
        urgentRequested = false;
        deadlineNanos = now + interval.toNanos();
        nextSweepNanos = deadlineNanos; // an urgent sweep counts as the periodic one
    }

    /** Spread what is left evenly over the rounds left before the deadline (all of it in the last one). */
    private int batchesThisRound(long now) {
        long left = deadlineNanos - now;
        long roundsLeft = Math.max(1, (left + pollInterval.toNanos() - 1) / pollInterval.toNanos());
        int paced = (int) Math.min(Integer.MAX_VALUE, (pending.size() + roundsLeft - 1) / roundsLeft);
        return urgent ? Math.max(paced, urgentBatchesPerRound) : paced;
    }
}
