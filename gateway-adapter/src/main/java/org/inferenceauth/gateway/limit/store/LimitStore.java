package org.inferenceauth.gateway.limit.store;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Where limits are counted: in this process ({@link LocalLimitStore}) or in Redis, shared by every
 * replica ({@link RedisLimitStore}). Three kinds of state, each under a key the caller chose (no
 * secrets): rolling windows (token buckets), calendar counters that expire on their own, and
 * concurrency slots. Operations never block the event loop. A store that fails answers "unknown"
 * (requests go ahead) rather than failing, except where a fallback is documented.
 */
public interface LimitStore extends AutoCloseable {

    /** Spends one unit of a rolling window if one is left. */
    CompletionStage<WindowState> take(String key, Window window);

    /** What a rolling window holds now, spending nothing: {@code allowed} when at least one unit is left. */
    CompletionStage<WindowState> peek(String key, Window window);

    /** Puts units back (a request refused by another payer after this one was spent). */
    CompletionStage<Void> giveBack(String key, Window window, long units);

    /** Spends units whether or not they are there (tokens known only after the call; may go below zero). */
    CompletionStage<Void> charge(String key, Window window, long units);

    /**
     * Adds one to a counter if it is below {@code limit}; a counter first touched here lives for
     * {@code ttl} (its calendar window plus a margin).
     */
    CompletionStage<CounterState> takeIfBelow(String key, long limit, Duration ttl);

    /** A counter's value (0 if it never counted; -1 when the store cannot tell). */
    CompletionStage<Long> read(String key);

    /** Adds {@code amount} (negative to give back) to a counter living for {@code ttl}. */
    CompletionStage<Void> add(String key, long amount, Duration ttl);

    /** One of {@code limit} slots under {@code key}, or {@code null} when all are taken. */
    CompletionStage<Slot> acquire(String key, long limit);

    /** Slots currently held under {@code key}. */
    CompletionStage<Long> inUse(String key);

    @Override
    default void close() {}
}
