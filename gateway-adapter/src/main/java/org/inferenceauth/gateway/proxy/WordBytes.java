package org.inferenceauth.gateway.proxy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Looking at raw bytes eight at a time (SWAR): a {@code long} read from an array, and which of its
 * bytes equal a given byte. For the taps' searches through every streamed byte, where a loop over
 * single bytes was most of their time.
 */
final class WordBytes {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private WordBytes() {}

    /** The eight bytes at {@code i}, the first in the lowest bits. */
    static long word(byte[] bytes, int i) {
        return (long) LONGS.get(bytes, i);
    }

    /** {@code b} in each of a word's bytes, for {@link #equalBytes}. */
    static long spread(byte b) {
        return ONES * (b & 0xff);
    }

    /**
     * The high bit set in every byte of {@code word} that equals the byte {@code spread} holds, and
     * perhaps in bytes after such a byte (a borrow): the lowest flag is always a true one, and a
     * caller checks any later flag it uses.
     */
    static long equalBytes(long word, long spread) {
        long zeroWhereEqual = word ^ spread;
        return (zeroWhereEqual - ONES) & ~zeroWhereEqual & HIGHS;
    }

    /** The index, within its word, of the byte that the lowest flag stands for. */
    static int firstFlagged(long flags) {
        return Long.numberOfTrailingZeros(flags) >>> 3;
    }
}
