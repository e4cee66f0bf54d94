package org.inferenceauth.gateway.limit.store;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where limits are counted: in this process ({@link LocalLimitStore}) or in Redis, shared by every
 * replica ({@link RedisLimitStore}). Three kinds of state, each under a key the caller chose (no
 * secrets): rolling windows (token buckets), calendar counters that expire on their own, and
 * concurrency slots. A request's admission is one call with all its operations, and so is its
 * settlement (in Redis, each part of a script run that carries every call waiting then). Operations never block the event loop. A store that fails
 * answers "unknown" (requests go ahead) rather than failing, except where a fallback is documented.
 */
public interface LimitStore extends AutoCloseable {

    /**
     * Runs a request's admission operations (TAKE, PEEK, COUNT, BELOW, SLOT) together: if every one
     * allows, what they take is taken; if any refuses, nothing is (or what was taken is given back
     * before the answer completes). The outcomes are in the order of {@code ops}; a refused request's
     * outcomes still say what each allowing operation would have left.
     */
    CompletionStage<Outcome[]> admit(List<Op> ops);

    /**
     * Ends a request: releases its slots and spends {@code units} on each CHARGE and ADD operation.
     * Nobody needs to wait for the answer; tests do, to read the counts after.
     */
    CompletionStage<Void> settle(List<Slot> slots, List<Op> charges, long units);

    /** What a rolling window holds now, spending nothing: {@code allowed} when at least one unit is left. */
    CompletionStage<WindowState> peek(Op window);

    /** A counter's value (0 if it never counted; -1 when the store cannot tell). */
    CompletionStage<Long> read(String key);

    /** Slots currently held under {@code key}. */
    CompletionStage<Long> inUse(String key);

    @Override
    default void close() {}
}
