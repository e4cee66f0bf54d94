package org.inferenceauth.gateway.migration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import org.inferenceauth.gateway.errors.ClientText;

/**
 * One JSON line ({@code "type":"migration"}) the first time a kind of pass (or a retired key) is
 * seen from a client address, user agent and path within a window; repeats are only counted (the
 * metrics). So operators learn who would break, without a line per request. Lines name the
 * caller by address, user agent and path, never by credential. However many distinct callers a
 * flood invents, at most {@value #MAX_LINES_PER_MINUTE} lines a minute are written; the next line
 * says how many were left out.
 */
final class MigrationLog {

    static final int MAX_LINES_PER_MINUTE = 600;

    private record Sighting(String kind, String detail, String address, String userAgent, String path) {}

    private final Cache<Sighting, Boolean> seen;
    private final PrintStream out;
    private final Duration window;
    private long minute;
    private int linesThisMinute;
    private long dropped;

    MigrationLog(Duration window, PrintStream out) {
        this.window = window;
        this.out = out;
        this.seen = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(10_000).build();
    }

    /** @param detail the audit reason, the subnet, or the legacy key's label */
    void note(String kind, String detail, Caller caller) {
        String userAgent = caller.userAgent() == null ? null : ClientText.clip(caller.userAgent());
        String path = ClientText.clip(caller.path());
        Sighting sighting = new Sighting(kind, detail, caller.address(), userAgent, path);
        if (seen.asMap().putIfAbsent(sighting, Boolean.TRUE) != null) {
            return;
        }
        write(sighting);
    }

    private synchronized void write(Sighting sighting) {
        long now = System.currentTimeMillis() / 60_000;
        if (now != minute) {
            minute = now;
            linesThisMinute = 0;
        }
        if (++linesThisMinute > MAX_LINES_PER_MINUTE) {
            dropped++;
            return;
        }
        JsonObject line = new JsonObject()
                .put("ts", Instant.now().toString())
                .put("type", "migration")
                .put("kind", sighting.kind())
                .put(sighting.kind().equals("audit") ? "reason" : sighting.kind().equals("legacy_subnet") ? "subnet" : "label",
                        sighting.detail())
                .put("client", sighting.address())
                .put("user_agent", sighting.userAgent())
                .put("path", sighting.path())
                .put("window_seconds", window.toSeconds());
        if (dropped > 0) {
            line.put("lines_left_out", dropped);
            dropped = 0;
        }
        out.println(line.encode());
    }
}
