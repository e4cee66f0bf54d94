package org.inferenceauth.gateway.auth.apikey;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of the realm's revocation feed. {@code reset}: the cursor sent was beyond the feed's newest
 * entry (its table was re-created, ids started again), so this page starts from the feed's beginning.
 */
public record RevocationBatch(String cursor, List<Event> events, boolean reset) {

    /** A key revoked, or a user disabled or deleted ({@code keyId} is null for user events). */
    public record Event(String type, String keyId, String subject) {
        public boolean isKeyRevocation() {
            return "key_revoked".equals(type);
        }
    }

    static RevocationBatch fromJson(JsonObject json) {
        List<Event> events = new ArrayList<>();
        for (Object item : json.getJsonArray("events", new JsonArray())) {
            if (item instanceof JsonObject event) {
                events.add(new Event(event.getString("type"), event.getString("key_id"), event.getString("sub")));
            }
        }
        String cursor = json.getString("cursor");
        if (cursor == null) {
            throw new KeycloakUnavailableException("revocation feed answered without a cursor");
        }
        return new RevocationBatch(cursor, List.copyOf(events), json.getBoolean("reset", false));
    }
}
