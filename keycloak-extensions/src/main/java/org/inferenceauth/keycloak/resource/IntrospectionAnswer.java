package org.inferenceauth.keycloak.resource;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.keys.ValidatedKey;
import org.inferenceauth.keycloak.limits.LimitResolver;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The one answer to "is this credential good, and whose is it?" (RFC 7662 shape), given at both
 * doors a gateway may use: our {@code /api-keys/introspect} and Keycloak's standard introspection
 * endpoint with {@code token_type_hint=api_key}. A key or a realm access token; exactly
 * {@code {"active":false}} for anything invalid, whatever the reason.
 */
final class IntrospectionAnswer {

    static final Map<String, Object> INACTIVE = Map.of("active", false);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeyService keys;

    IntrospectionAnswer(KeycloakSession session, RealmModel realm, ApiKeyService keys) {
        this.session = session;
        this.realm = realm;
        this.keys = keys;
    }

    Map<String, Object> of(String token) {
        if (JwtIntrospection.looksLikeJwt(token)) {
            return new JwtIntrospection(session, realm, keys).introspect(token).orElse(INACTIVE);
        }
        return keys.validate(token).map(this::active).orElse(INACTIVE);
    }

    static boolean isActive(Map<String, Object> answer) {
        return Boolean.TRUE.equals(answer.get("active"));
    }

    /** The answer as sent: JSON that no cache may keep (RFC 7662 §4: it is as sensitive as the token). */
    static Response response(Map<String, Object> answer) {
        return Response.ok(answer).type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").header("Pragma", "no-cache").build();
    }

    private Map<String, Object> active(ValidatedKey key) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("active", true);
        json.put("sub", key.user().getId());
        json.put("username", key.user().getUsername());
        if (key.user().getEmail() != null) {
            json.put("email", key.user().getEmail());
        }
        json.put("key_id", key.keyId());
        json.put("project", key.project());
        json.put("scope", String.join(" ", key.scopes()));
        if (key.expiresAt() != null) {
            json.put("exp", key.expiresAt());
        }
        json.put("iat", key.issuedAt());
        if (key.createdBy() != null) {
            json.put("client_id", key.createdBy());
        }
        json.put("token_type", "api_key");
        json.put("limits", new LimitResolver(session).forKey(realm, key.user(), key.project(), key.limits()).toJson());
        return json;
    }
}
