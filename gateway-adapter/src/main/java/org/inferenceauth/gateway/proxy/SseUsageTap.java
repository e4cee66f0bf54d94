package org.inferenceauth.gateway.proxy;

import io.vertx.core.buffer.Buffer;
import java.util.function.UnaryOperator;

/**
 * Reads token usage from an SSE completion stream as its events pass ({@link SseFailureGuard} hands
 * on whole events): a buffer without {@code "usage"} passes untouched and unparsed; an event with a
 * {@code usage} object reports it to the sink (the last report wins, so running totals in every
 * chunk end as the final count). When the gateway asked for usage on the client's behalf, the
 * usage-only chunk ({@code "choices":[]}) is taken out; every other byte passes as the upstream sent it.
 */
final class SseUsageTap implements UnaryOperator<Buffer> {

    private static final ByteNeedle USAGE = new ByteNeedle("\"usage\"", 4); // g: rare in JSON
    private static final ByteNeedle DATA = new ByteNeedle("data:", 0);
    private static final byte[] LF = {'\n'};

    private final boolean removeUsageChunk;
    private final TokenSink sink;

    /** @param removeUsageChunk the client did not ask for the usage chunk (the gateway did) */
    SseUsageTap(boolean removeUsageChunk, TokenSink sink) {
        this.removeUsageChunk = removeUsageChunk;
        this.sink = sink;
    }

    @Override
    public Buffer apply(Buffer buffer) {
        BufferBytes view = BufferBytes.of(buffer);
        byte[] bytes = view.array();
        int to = view.to();
        int first = USAGE.in(bytes, view.from(), to);
        if (first < 0) {
            return buffer;
        }
        // The events before the one holding the first "usage" pass unread.
        int start = SseFraming.lastEventEnd(bytes, view.from(), view.from(), first);
        Buffer kept = null; // built only when an event is taken out
        int end;
        while ((end = SseFraming.eventEnd(bytes, start, to)) > 0) {
            boolean drop = USAGE.in(bytes, start, end) >= 0 && usageOnly(bytes, start, end) && removeUsageChunk;
            if (drop && kept == null) {
                kept = Buffer.buffer(to - view.from()).appendBytes(bytes, view.from(), start - view.from());
            } else if (!drop && kept != null) {
                kept.appendBytes(bytes, start, end - start);
            }
            start = end;
        }
        if (kept == null) {
            return buffer;
        }
        return start < to ? kept.appendBytes(bytes, start, to - start) : kept;
    }

    /** Reports the event's usage, if any; whether it is the usage-only chunk. */
    private boolean usageOnly(byte[] bytes, int start, int end) {
        UsageScanner event = new UsageScanner(sink);
        // The data lines' values joined by LF, as an SSE client reads them: scanned in place.
        boolean first = true;
        int line = start;
        while (line < end && !event.done()) {
            int eol = SseFraming.lineEnd(bytes, line, end);
            if (DATA.at(bytes, line, eol)) {
                int from = line + DATA.length();
                if (from < eol && bytes[from] == ' ') {
                    from++;
                }
                if (!first) {
                    event.scan(LF, 0, 1);
                }
                first = false;
                event.scan(bytes, from, eol);
            }
            line = SseFraming.nextLine(bytes, eol, end);
        }
        // [DONE], comments, an upstream's odd event: no usage, passed on.
        return event.usageSeen() && event.choicesEmpty();
    }
}
