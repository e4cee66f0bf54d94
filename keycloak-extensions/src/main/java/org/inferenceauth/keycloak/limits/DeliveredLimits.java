package org.inferenceauth.keycloak.limits;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a gateway gets with an identity: the introspection answer's {@code limits} and the access
 * token claim {@value #CLAIM}.
 *
 * @param user        the person's resolved limits
 * @param project     the key's project's resolved limits ({@link LimitSet#EMPTY} for none)
 * @param key         the key's caps ({@link LimitSet#EMPTY} for none)
 * @param defaultUser the realm's user defaults, for people a trusted web UI names by email
 */
public record DeliveredLimits(LimitSet user, LimitSet project, LimitSet key, LimitSet defaultUser) {

    public static final String CLAIM = "inference_limits";

    /** {@code user} and {@code default_user} always (maybe {@code {}}); {@code project} and {@code key} only when not empty. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("user", user.toJson());
        if (!project.isEmpty()) {
            json.put("project", project.toJson());
        }
        if (!key.isEmpty()) {
            json.put("key", key.toJson());
        }
        json.put("default_user", defaultUser.toJson());
        return json;
    }
}
