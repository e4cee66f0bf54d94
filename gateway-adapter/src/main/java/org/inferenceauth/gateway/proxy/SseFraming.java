package org.inferenceauth.gateway.proxy;

/**
 * Where SSE events and lines begin and end in raw bytes (WHATWG SSE: lines end in LF, CRLF or CR;
 * a blank line ends an event), for the taps that look at a stream as it passes.
 */
final class SseFraming {

    private static final long LFS = WordBytes.spread((byte) '\n');
    private static final long CRS = WordBytes.spread((byte) '\r');

    private SseFraming() {}

    /** Just past the blank line ending the event that starts at {@code from}, or -1 if it does not end before {@code to}. */
    static int eventEnd(byte[] bytes, int from, int to) {
        int line = from;
        while (line < to) {
            int eol = lineEnd(bytes, line, to);
            if (eol == to) {
                return -1;
            }
            if (eol == line && line > from) {
                return nextLine(bytes, eol, to);
            }
            line = nextLine(bytes, eol, to);
        }
        return -1;
    }

    /**
     * Just past the last blank line in {@code [start, to)} (where the last complete event there
     * ends), looking only at line ends from {@code scanFrom} on; {@code start} if there is none.
     */
    static int lastEventEnd(byte[] bytes, int start, int scanFrom, int to) {
        for (int i = to - 1; i >= Math.max(start + 1, scanFrom); i--) {
            byte c = bytes[i];
            if (c != '\n' && c != '\r') {
                continue;
            }
            int terminator = c == '\n' && bytes[i - 1] == '\r' ? i - 1 : i;
            if (terminator > start && (bytes[terminator - 1] == '\n' || bytes[terminator - 1] == '\r')) {
                return i + 1;
            }
        }
        return start;
    }

    /** Where the line starting at {@code from} ends (its CR or LF), or {@code end}. Eight bytes at a time: lines are long JSON. */
    static int lineEnd(byte[] bytes, int from, int end) {
        int eol = from;
        for (; eol + Long.BYTES <= end; eol += Long.BYTES) {
            long word = WordBytes.word(bytes, eol);
            // The lowest of either kind of flag is a true one (WordBytes.equalBytes), so is the lowest of both.
            long flags = WordBytes.equalBytes(word, LFS) | WordBytes.equalBytes(word, CRS);
            if (flags != 0) {
                return eol + WordBytes.firstFlagged(flags);
            }
        }
        while (eol < end && bytes[eol] != '\n' && bytes[eol] != '\r') {
            eol++;
        }
        return eol;
    }

    /** The start of the next line after a line end at {@code eol} (LF, CRLF or CR). */
    static int nextLine(byte[] bytes, int eol, int end) {
        return bytes[eol] == '\r' && eol + 1 < end && bytes[eol + 1] == '\n' ? eol + 2 : eol + 1;
    }
}
