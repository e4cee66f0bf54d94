package org.inferenceauth.keycloak.resource;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.inferenceauth.keycloak.keys.ApiKeyView;

/** The contract's {@code Key} object. */
public final class KeyJson {

    private KeyJson() {}

    public static Map<String, Object> of(ApiKeyView key) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("keyId", key.keyId());
        json.put("credentialId", key.credentialId());
        json.put("name", key.name());
        json.put("project", key.project());
        json.put("scopes", key.scopes());
        json.put("createdAt", iso(key.createdAt()));
        json.put("expiresAt", iso(key.expiresAt()));
        json.put("lastUsedAt", iso(key.lastUsedAt()));
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("requests", key.usage30d().requests());
        usage.put("prompt_tokens", key.usage30d().promptTokens());
        usage.put("completion_tokens", key.usage30d().completionTokens());
        json.put("usage30d", usage);
        json.put("limits", key.limits().toJson());
        return json;
    }

    static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
