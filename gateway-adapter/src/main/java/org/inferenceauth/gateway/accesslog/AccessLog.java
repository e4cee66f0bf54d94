package org.inferenceauth.gateway.accesslog;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Instant;
import org.inferenceauth.gateway.errors.ClientText;

/**
 * One JSON line per request on standard output. It names the caller by user id, key id and client,
 * never by credential, header or email; what the client chose (method, path, model) is clipped.
 */
public final class AccessLog {

    private final boolean enabled;
    private final PrintStream out;

    public AccessLog(boolean enabled, PrintStream out) {
        this.enabled = enabled;
        this.out = out;
    }

    public void write(RequestRecord record, int status, boolean clientAborted) {
        if (!enabled) {
            return;
        }
        JsonObject line = new JsonObject()
                .put("ts", Instant.now().toString())
                .put("type", "access")
                .put("request_id", record.requestId)
                .put("method", ClientText.clip(record.method))
                .put("path", ClientText.clip(record.path))
                .put("status", status)
                .put("duration_ms", (System.nanoTime() - record.startedNanos) / 1_000_000.0)
                .put("route", record.route)
                .put("auth", record.authMethod);
        putIfPresent(line, "auth_outcome", record.authOutcome);
        putIfPresent(line, "migration", record.migration);
        putIfPresent(line, "model", ClientText.clip(record.model));
        putIfPresent(line, "upstream", record.upstream);
        putIfPresent(line, "error", record.errorCode);
        if (record.identity != null) {
            putIfPresent(line, "sub", record.identity.subject());
            putIfPresent(line, "key_id", record.identity.keyId());
            putIfPresent(line, "client", record.identity.clientId());
            putIfPresent(line, "project", record.identity.project());
            line.put("channel", record.identity.channel().label());
        }
        if (clientAborted) {
            line.put("client_aborted", true);
        }
        out.println(line.encode());
    }

    private static void putIfPresent(JsonObject line, String field, String value) {
        if (value != null) {
            line.put(field, value);
        }
    }
}
