package org.inferenceauth.gateway.limit.store;

/**
 * What one admission {@link Op} found.
 *
 * @param allowed    whether the operation allows the request (true when the store could not tell)
 * @param known      false when the store failed: the request goes ahead (fail open) and nothing is reported
 * @param value      TAKE and PEEK: units left in the window afterwards (a token window may be below zero);
 *                   COUNT and BELOW: the counter's value afterwards; SLOT: nothing
 * @param waitMillis when refused by a window: time until the next unit comes; else 0
 * @param slot       SLOT, when granted: the slot to release when the request ends
 */
public record Outcome(boolean allowed, boolean known, long value, long waitMillis, Slot slot) {

    /** The store could not answer: let the request through, tell the caller nothing. */
    public static final Outcome UNKNOWN = new Outcome(true, false, 0, 0, null);

    static Outcome allowed(long value) {
        return new Outcome(true, true, value, 0, null);
    }

    static Outcome refused(long value, long waitMillis) {
        return new Outcome(false, true, value, waitMillis, null);
    }

    static Outcome granted(Slot slot) {
        return new Outcome(true, true, 0, 0, slot);
    }

    static final Outcome FULL = new Outcome(false, true, 0, 0, null);
}
