package org.inferenceauth.gateway.usage;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;

/** One entry of a batch: a key's counters, as the contract spells them. */
public record UsageEntry(UsageKey key, long requests, long refused, long promptTokens, long completionTokens,
                         long lastUsed) {

    JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("day", LocalDate.ofEpochDay(key.epochDay()).toString())
                .put("channel", key.channel())
                .put("user_id", key.userId());
        putIfPresent(json, "user_email", key.userEmail());
        putIfPresent(json, "key_id", key.keyId());
        putIfPresent(json, "client_id", key.clientId());
        putIfPresent(json, "project", key.project());
        putIfPresent(json, "model", key.model());
        return json.put("requests", requests).put("refused", refused)
                .put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("last_used", lastUsed);
    }

    private static void putIfPresent(JsonObject json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }
}
