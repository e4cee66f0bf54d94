package org.inferenceauth.gateway.limit.policy;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The {@code limits} object Keycloak delivers with an identity (introspection answer, or the access
 * token's {@code inference_limits} claim): the owner's resolved set, the key's project's set, the
 * key's own caps, and the realm's person defaults for people a web UI names by email.
 *
 * @param projectName the project the {@code project} set belongs to when the identity names none
 *                    (a token obtained with a key carries it as {@code api_key_project}); may be null
 */
public record DeliveredLimits(LimitSet user, LimitSet project, LimitSet key, LimitSet defaultUser, String projectName) {

    public DeliveredLimits {
        user = user == null ? LimitSet.NONE : user;
        project = project == null ? LimitSet.NONE : project;
        key = key == null ? LimitSet.NONE : key;
        defaultUser = defaultUser == null ? LimitSet.NONE : defaultUser;
    }

    /**
     * The contract's object; {@code null} when absent or not an object (an older Keycloak): the
     * gateway's configured defaults apply then.
     */
    public static DeliveredLimits fromJson(Object value, String projectName) {
        JsonObject json;
        if (value instanceof JsonObject object) {
            json = object;
        } else if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> claims = (Map<String, Object>) map;
            json = new JsonObject(claims);
        } else {
            return null;
        }
        return new DeliveredLimits(set(json, "user"), set(json, "project"), set(json, "key"), set(json, "default_user"),
                projectName);
    }

    private static LimitSet set(JsonObject json, String name) {
        Object value = json.getValue(name);
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) map;
            value = new JsonObject(fields);
        }
        return value instanceof JsonObject set ? LimitSet.fromJson(set) : LimitSet.NONE;
    }
}
