package org.inferenceauth.gateway.proxy;

import java.nio.charset.StandardCharsets;

/**
 * Finds the top-level {@code usage} object of one JSON object (an OpenAI response, or an SSE event's
 * data) and whether its top-level {@code choices} is an empty array: a scan of the bytes, resumable
 * across buffers, that follows only the JSON structure (strings, escapes, nesting) and reads numbers
 * only inside that {@code usage}. Nothing is buffered and no token objects are built (Jackson's
 * parsers did this job at 5–6 µs a response, a sixth of the gateway's whole cost per request).
 * Counts are what a JSON parser reads: a count that is not a non-negative integer fitting a long
 * is 0. Text that is not a JSON object yields nothing; a key written with escapes
 * ({@code "\u0075sage"}) is not recognised, as no upstream writes one.
 */
final class UsageScanner {

    private static final byte[] USAGE = {'u', 's', 'a', 'g', 'e'};
    private static final byte[] CHOICES = {'c', 'h', 'o', 'i', 'c', 'e', 's'};
    private static final byte[] PROMPT_TOKENS = "prompt_tokens".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMPLETION_TOKENS = "completion_tokens".getBytes(StandardCharsets.US_ASCII);
    /** Longer than any key looked for: a longer key is simply none of them. */
    private static final int KEY_CAPACITY = 24;

    private final TokenSink sink;
    private final long[] usage = new long[2];
    private boolean done;
    private boolean started;
    /** 1 inside the top-level object, 2 inside its direct children, …. */
    private int depth;
    private boolean inString;
    private boolean escaped;
    /** The next string at this level is a key (after '{' or ','): tracked at depth 1 and in usage only. */
    private boolean expectingKey;
    private boolean capturingKey;
    private final byte[] key = new byte[KEY_CAPACITY];
    private int keyLength; // -1: too long or escaped, matches nothing
    /** The key whose value comes next: the top-level key at depth 1, the count's slot in usage. */
    private boolean valueIsUsage;
    private boolean valueIsChoices;
    /** The top-level choices array just opened: its next token says whether it is empty. */
    private boolean choicesOpened;
    private boolean choicesEmpty;
    private boolean usageSeen;
    private int valueSlot = -1;
    private boolean inUsage;
    private final Number number = new Number();

    /** @param sink told the counts each time a top-level usage object ends */
    UsageScanner(TokenSink sink) {
        this.sink = sink;
    }

    /** Scans {@code bytes[from, to)}, the next part of the text. */
    void scan(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to && !done) {
            if (inString && !escaped) {
                // Most of a response is text inside strings, where only a quote or a backslash
                // matters: skipped (or, for a key, copied) in a tight loop rather than a step per byte.
                int start = i;
                while (i < to && bytes[i] != '"' && bytes[i] != '\\') {
                    i++;
                }
                if (capturingKey) {
                    appendToKey(bytes, start, i);
                }
                if (i == to) {
                    return;
                }
            }
            step(bytes[i++]);
        }
    }

    private void appendToKey(byte[] bytes, int from, int to) {
        if (keyLength < 0) {
            return;
        }
        if (keyLength + (to - from) > KEY_CAPACITY) {
            keyLength = -1;
            return;
        }
        for (int i = from; i < to; i++) {
            key[keyLength++] = bytes[i];
        }
    }

    /** The object has ended, or the text is not one: nothing more to find. */
    boolean done() {
        return done;
    }

    /** A top-level usage object was read. */
    boolean usageSeen() {
        return usageSeen;
    }

    /** The top-level {@code choices} is {@code []} (the usage-only chunk of a stream). */
    boolean choicesEmpty() {
        return choicesEmpty;
    }

    private void step(byte b) {
        if (inString) {
            string(b);
        } else if (number.active) {
            if (!number.take(b)) {
                number.end();
                structure(b);
            }
        } else {
            structure(b);
        }
    }

    private void string(byte b) {
        if (escaped) {
            escaped = false;
            keyLength = -1; // an escaped key is none of ours
        } else if (b == '\\') {
            escaped = true;
        } else if (b == '"') {
            inString = false;
            if (capturingKey) {
                capturingKey = false;
                keyEnded();
            }
        }
        // Other bytes of a string never come here: scan() skips them, and copies a key's.
    }

    private void structure(byte b) {
        if (!started) {
            if (b == '{') {
                started = true;
                depth = 1;
                expectingKey = true;
            } else if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                done = true; // not a JSON object
            }
            return;
        }
        if (choicesOpened && b != ' ' && b != '\t' && b != '\n' && b != '\r') {
            choicesOpened = false;
            choicesEmpty = b == ']';
        }
        switch (b) {
            case ' ', '\t', '\n', '\r' -> { }
            case '{' -> {
                if (depth == 1 && valueIsUsage) {
                    inUsage = true;
                    usage[0] = 0;
                    usage[1] = 0;
                    expectingKey = true;
                }
                valueIsUsage = false;
                valueIsChoices = false;
                valueSlot = -1;
                depth++;
            }
            case '[' -> {
                choicesOpened = depth == 1 && valueIsChoices;
                valueIsUsage = false;
                valueIsChoices = false;
                valueSlot = -1;
                depth++;
            }
            case '}', ']' -> {
                depth--;
                if (inUsage && depth == 1) {
                    inUsage = false;
                    usageSeen = true;
                    sink.tokens(usage[0], usage[1]);
                }
                if (depth <= 0) {
                    done = true; // the body's one object is done
                }
            }
            case ',' -> expectingKey = isTracked();
            case '"' -> {
                inString = true;
                if (expectingKey && isTracked()) {
                    expectingKey = false;
                    capturingKey = true;
                    keyLength = 0;
                } else {
                    valueIsUsage = false;
                    valueIsChoices = false;
                    valueSlot = -1;
                }
            }
            case ':' -> { }
            default -> {
                if (inUsage && depth == 2 && valueSlot >= 0 && (b == '-' || (b >= '0' && b <= '9'))) {
                    number.start(valueSlot, b);
                    valueSlot = -1;
                } else {
                    valueIsUsage = false; // true, false, null, a number elsewhere
                    valueIsChoices = false;
                    valueSlot = -1;
                }
            }
        }
    }

    /** Keys matter at the top level and in the top-level usage object. */
    private boolean isTracked() {
        return depth == 1 || (inUsage && depth == 2);
    }

    private void keyEnded() {
        if (depth == 1) {
            valueIsUsage = is(USAGE);
            valueIsChoices = is(CHOICES);
        } else {
            valueSlot = is(PROMPT_TOKENS) ? 0 : is(COMPLETION_TOKENS) ? 1 : -1;
        }
    }

    private boolean is(byte[] name) {
        if (keyLength != name.length) {
            return false;
        }
        for (int i = 0; i < keyLength; i++) {
            if (key[i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** A count's number, digit by digit: only a non-negative integer that fits a long counts (as Jackson read it). */
    private final class Number {
        boolean active;
        private int slot;
        private boolean negative;
        private boolean integral;
        private long value;

        void start(int slot, byte first) {
            this.active = true;
            this.slot = slot;
            this.negative = first == '-';
            this.integral = true;
            this.value = negative ? 0 : first - '0';
        }

        /** Whether {@code b} belongs to the number. */
        boolean take(byte b) {
            if (b >= '0' && b <= '9') {
                if (integral) {
                    if (value > (Long.MAX_VALUE - (b - '0')) / 10) {
                        integral = false; // beyond a long: Jackson's BIG_INTEGER, not counted
                    } else {
                        value = value * 10 + (b - '0');
                    }
                }
                return true;
            }
            if (b == '.' || b == 'e' || b == 'E' || b == '+' || b == '-') {
                integral = false; // a fraction or exponent: not a count
                return true;
            }
            return false;
        }

        void end() {
            active = false;
            if (integral) {
                usage[slot] = negative ? 0 : value;
            }
        }
    }
}
