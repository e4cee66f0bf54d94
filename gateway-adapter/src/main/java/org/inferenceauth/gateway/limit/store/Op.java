package org.inferenceauth.gateway.limit.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One operation on one key of a {@link LimitStore}, as a request's admission ({@link LimitStore#admit})
 * or its settlement ({@link LimitStore#settle}) runs it. Built once per payer and limit set (and
 * once a day for calendar counters) and reused by every call: the keys, the window's numbers and
 * the arguments a Redis script takes are computed here, not per request.
 */
public final class Op {

    /** What the operation does with its key. */
    public enum Kind {
        /** Admission: spends one unit of a rolling window if one is left. */
        TAKE("T"),
        /** Admission: allowed while a rolling window holds at least one unit; spends nothing (tokens, charged later). */
        PEEK("P"),
        /** Admission: adds one to a calendar counter below {@code limit}. */
        COUNT("C"),
        /** Admission: allowed while a calendar counter is below {@code limit}; adds nothing (tokens, charged later). */
        BELOW("B"),
        /** Admission: one of {@code limit} concurrency slots. */
        SLOT("S"),
        /** Settlement: spends units of a rolling window whether or not they are there (may go below zero). */
        CHARGE("W"),
        /** Settlement: adds units to a calendar counter. */
        ADD("A");

        final String code;

        Kind(String code) {
            this.code = code;
        }
    }

    private final Kind kind;
    private final String key;
    private final Window window;
    private final long limit;
    private final long ttlMillis;
    /** The Redis script's arguments for this operation (kind and numbers), shared by every call. */
    private final String[] scriptArgs;
    private volatile Encoded encoded;
    /** {@link LocalLimitStore}'s state for this key (bucket or counter), so a call skips the cache lookup. */
    volatile Object local;

    private Op(Kind kind, String key, Window window, long limit, long ttlMillis) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an operation needs a key");
        }
        this.kind = kind;
        // A window's numbers are part of its key: a changed limit is a different bucket.
        this.key = window == null ? key : key + "#" + window.name();
        this.window = window;
        this.limit = limit;
        this.ttlMillis = ttlMillis;
        this.scriptArgs = window != null
                ? new String[] {kind.code, Long.toString(window.capacity()), Long.toString(window.refill()),
                        Long.toString(window.period().toMillis())}
                : new String[] {kind.code, Long.toString(limit), Long.toString(ttlMillis), ""};
    }

    public static Op take(String key, Window window) {
        return new Op(Kind.TAKE, key, window, window.capacity(), 0);
    }

    public static Op peek(String key, Window window) {
        return new Op(Kind.PEEK, key, window, window.capacity(), 0);
    }

    public static Op charge(String key, Window window) {
        return new Op(Kind.CHARGE, key, window, window.capacity(), 0);
    }

    /** @param ttl how long a counter first touched here lives (its calendar window plus a margin) */
    public static Op count(String key, long limit, Duration ttl) {
        return new Op(Kind.COUNT, key, null, positive(limit), ttl.toMillis());
    }

    public static Op below(String key, long limit) {
        return new Op(Kind.BELOW, key, null, positive(limit), 0);
    }

    public static Op add(String key, Duration ttl) {
        return new Op(Kind.ADD, key, null, 0, ttl.toMillis());
    }

    public static Op slot(String key, long limit) {
        return new Op(Kind.SLOT, key, null, positive(limit), 0);
    }

    private static long positive(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("a limit must be positive");
        }
        return limit;
    }

    public Kind kind() {
        return kind;
    }

    /** The store key: the caller's key, and for a window its numbers. */
    public String key() {
        return key;
    }

    /** The rolling window of TAKE, PEEK and CHARGE; {@code null} otherwise. */
    public Window window() {
        return window;
    }

    public long limit() {
        return limit;
    }

    public long ttlMillis() {
        return ttlMillis;
    }

    String[] scriptArgs() {
        return scriptArgs;
    }

    /**
     * The key under a store's prefix and the script's arguments, as the bytes Redis gets: encoded
     * once for the one prefix a process uses, so a call only copies them.
     */
    Encoded encoded(String prefix) {
        Encoded last = encoded;
        if (last == null || !last.prefix.equals(prefix)) {
            byte[][] args = new byte[scriptArgs.length][];
            for (int i = 0; i < args.length; i++) {
                args[i] = scriptArgs[i].getBytes(StandardCharsets.UTF_8);
            }
            String prefixed = prefix + key;
            last = new Encoded(prefix, prefixed, prefixed.getBytes(StandardCharsets.UTF_8), args);
            encoded = last;
        }
        return last;
    }

    record Encoded(String prefix, String name, byte[] key, byte[][] args) {}

    @Override
    public String toString() {
        return kind + " " + key;
    }
}
