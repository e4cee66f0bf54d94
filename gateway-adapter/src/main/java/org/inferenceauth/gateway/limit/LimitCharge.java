package org.inferenceauth.gateway.limit;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.inferenceauth.gateway.limit.store.Slot;

/**
 * What an admitted request still owes when it ends (completed, failed, or its client went away):
 * its concurrency slots back, and its tokens charged to every payer's token windows and budgets,
 * in one store call (one Redis script).
 */
public final class LimitCharge {

    private static final CompletableFuture<Void> SETTLED = CompletableFuture.completedFuture(null);

    /** Nothing to settle: no payer has limits. */
    public static final LimitCharge NONE = new LimitCharge(null, List.of(), List.of());

    private final Limiter limiter;
    private final List<PayerPlan> payers;
    private final List<Slot> slots;
    private boolean settled;

    LimitCharge(Limiter limiter, List<PayerPlan> payers, List<Slot> slots) {
        this.limiter = limiter;
        this.payers = payers;
        this.slots = slots;
    }

    /**
     * Releases the slots and charges the tokens; only the first call counts. Nobody needs to wait
     * for the returned stage (the store's answers complete it); tests do, to read the counts after.
     */
    public CompletableFuture<Void> settle(long promptTokens, long completionTokens) {
        if (limiter == null) { // NONE: a request without limits has nothing to lock or allocate
            return SETTLED;
        }
        synchronized (this) {
            if (settled) {
                return SETTLED;
            }
            settled = true;
        }
        long tokens = Math.max(0, promptTokens) + Math.max(0, completionTokens);
        return limiter.settle(payers, slots, tokens);
    }
}
