package org.inferenceauth.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A fixed ASCII string to find in raw bytes. The bytes are read eight at a time ({@link WordBytes})
 * and only positions holding the needle's rarest byte (the {@code anchor}) are compared further.
 * The usage tap looks for {@code "usage"} in every streamed byte; trying every position was half
 * of its time ({@code UsageTapsBench}, whole tap: a 150-byte chunk 141 → 30–40 ns, run.sh's 1.6 kB
 * stream 2.3 → 1.7 µs).
 */
final class ByteNeedle {

    private final byte[] needle;
    private final int anchor;
    private final long anchors;

    /** @param anchor the index of the needle's byte that is rarest in the text searched */
    ByteNeedle(String ascii, int anchor) {
        this.needle = ascii.getBytes(StandardCharsets.US_ASCII);
        if (anchor < 0 || anchor >= needle.length) {
            throw new IllegalArgumentException("no byte " + anchor + " in " + ascii);
        }
        this.anchor = anchor;
        this.anchors = WordBytes.spread(needle[anchor]);
    }

    /** The first index in {@code [from, to)} where the whole needle lies, or -1. */
    int in(byte[] bytes, int from, int to) {
        int first = from + anchor; // where the anchor of a needle at from would be
        int last = to - needle.length + anchor; // ... of a needle ending at to
        int i = first;
        for (; i + Long.BYTES - 1 <= last; i += Long.BYTES) {
            // Flags every anchor byte (and, after one, perhaps others: each flag is checked below).
            long flags = WordBytes.equalBytes(WordBytes.word(bytes, i), anchors);
            while (flags != 0) {
                int at = i + WordBytes.firstFlagged(flags) - anchor;
                if (startsAt(bytes, at)) {
                    return at;
                }
                flags &= flags - 1;
            }
        }
        for (; i <= last; i++) {
            if (bytes[i] == needle[anchor] && startsAt(bytes, i - anchor)) {
                return i - anchor;
            }
        }
        return -1;
    }

    int length() {
        return needle.length;
    }

    /** Whether the needle starts at {@code at} and ends before {@code to}. */
    boolean at(byte[] bytes, int at, int to) {
        return to - at >= needle.length && startsAt(bytes, at);
    }

    private boolean startsAt(byte[] bytes, int at) {
        return Arrays.equals(bytes, at, at + needle.length, needle, 0, needle.length);
    }
}
