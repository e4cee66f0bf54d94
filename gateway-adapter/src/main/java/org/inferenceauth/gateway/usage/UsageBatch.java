package org.inferenceauth.gateway.usage;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * One batch as it is sent to Keycloak: its id (a UUID, kept across retries and restarts, so
 * Keycloak stores it at most once), the number of entries, and the exact body bytes (which is
 * also what a spill file holds).
 */
public record UsageBatch(String id, int entries, byte[] body) {

    /** Entries per batch: far below the contract's 10,000, so a batch of 255-character strings stays below its 8 MiB. */
    public static final int MAX_ENTRIES = 1000;

    public static UsageBatch of(String source, List<UsageEntry> entries) {
        String id = UUID.randomUUID().toString();
        JsonArray array = new JsonArray();
        entries.forEach(entry -> array.add(entry.toJson()));
        byte[] body = new JsonObject().put("batch_id", id).put("source", source).put("entries", array).toBuffer().getBytes();
        return new UsageBatch(id, entries.size(), body);
    }

    /** A batch read back from a spill file: its id and entries from the body, or an exception if it is not one. */
    static UsageBatch parse(byte[] body) {
        JsonObject json = new JsonObject(new String(body, StandardCharsets.UTF_8));
        String id = UUID.fromString(json.getString("batch_id")).toString();
        return new UsageBatch(id, json.getJsonArray("entries").size(), body);
    }
}
