package org.inferenceauth.gateway.limit.store;

/**
 * A calendar counter after a store operation.
 *
 * @param allowed whether the counter was below its limit (for a take: and was incremented)
 * @param value   the counter's value afterwards
 * @param known   false when the store failed (fail open)
 */
public record CounterState(boolean allowed, long value, boolean known) {

    public static final CounterState UNKNOWN = new CounterState(true, 0, false);
}
