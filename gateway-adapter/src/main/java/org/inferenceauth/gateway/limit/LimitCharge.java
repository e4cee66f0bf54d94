package org.inferenceauth.gateway.limit;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.inferenceauth.gateway.limit.store.Slot;
import org.inferenceauth.gateway.limit.policy.Scope;

/**
 * What an admitted request still owes when it ends (completed, failed, or its client went away):
 * its concurrency slots back, and its tokens charged to every payer's token windows and budgets.
 */
public final class LimitCharge {

    /** Nothing to settle: no payer has limits. */
    public static final LimitCharge NONE = new LimitCharge(null, List.of(), List.of());

    private final Limiter limiter;
    private final List<Scope> payers;
    private final List<Slot> slots;
    private boolean settled;

    LimitCharge(Limiter limiter, List<Scope> payers, List<Slot> slots) {
        this.limiter = limiter;
        this.payers = payers;
        this.slots = slots;
    }

    /**
     * Releases the slots and charges the tokens; only the first call counts. Nobody needs to wait
     * for the returned stage (the store's answers complete it); tests do, to read the counts after.
     */
    public synchronized CompletableFuture<Void> settle(long promptTokens, long completionTokens) {
        if (settled || limiter == null) {
            return CompletableFuture.completedFuture(null);
        }
        settled = true;
        slots.forEach(Slot::release);
        long tokens = Math.max(0, promptTokens) + Math.max(0, completionTokens);
        return tokens > 0 ? limiter.chargeTokens(payers, tokens) : CompletableFuture.completedFuture(null);
    }
}
