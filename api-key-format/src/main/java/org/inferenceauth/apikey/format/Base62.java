package org.inferenceauth.apikey.format;

import java.util.Random;

/** Base62 ({@code 0-9A-Za-z}): URL-safe, copy-paste-safe (no punctuation a double click would stop at). */
final class Base62 {

    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private Base62() {}

    /** {@code length} uniformly distributed characters; each carries log2(62) ≈ 5.95 bits. */
    static String random(Random random, int length) {
        StringBuilder out = new StringBuilder(length);
        byte[] buffer = new byte[length * 2];
        while (out.length() < length) {
            random.nextBytes(buffer);
            for (int i = 0; i < buffer.length && out.length() < length; i++) {
                int sixBits = buffer[i] & 0x3F;
                if (sixBits < 62) { // rejection sampling keeps every character equally likely
                    out.append(ALPHABET.charAt(sixBits));
                }
            }
        }
        return out.toString();
    }

    /** {@code value} (non-negative) in exactly {@code width} characters, left-padded with '0'. */
    static String fixedWidth(long value, int width) {
        char[] out = new char[width];
        for (int i = width - 1; i >= 0; i--) {
            out[i] = ALPHABET.charAt((int) (value % 62));
            value /= 62;
        }
        if (value != 0) {
            throw new IllegalArgumentException("value does not fit in " + width + " base62 characters");
        }
        return new String(out);
    }

    /** The value of a base62 character ({@link #isBase62} must hold). */
    static int digit(char c) {
        return c <= '9' ? c - '0' : c <= 'Z' ? c - 'A' + 10 : c - 'a' + 36;
    }

    static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
