package org.inferenceauth.keycloak.resource;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inferenceauth.apikey.format.ApiKeyFormat;
import org.inferenceauth.keycloak.keys.ApiKeyException;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.keys.RevocationFeed;
import org.inferenceauth.keycloak.keys.ValidatedKey;
import org.inferenceauth.keycloak.limits.LimitResolver;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** What gateways call: introspection (RFC 7662 shape), the revocation feed and the batch re-check. */
final class GatewayEndpoints {

    static final int MAX_CHECK_IDS = 1000;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeyService keys;
    private final GatewayAuth auth;

    GatewayEndpoints(KeycloakSession session, RealmModel realm, ApiKeyService keys) {
        this.session = session;
        this.realm = realm;
        this.keys = keys;
        this.auth = new GatewayAuth(session, realm);
    }

    /** Exactly {@code {"active":false}} for every invalid key (or JWT), whatever the reason. */
    Response introspect() {
        auth.authenticate();
        List<String> tokens = session.getContext().getHttpRequest().getDecodedFormParameters().get("token");
        if (tokens == null || tokens.size() != 1 || tokens.get(0).isEmpty()) {
            throw ApiErrors.error(400, ApiKeyException.INVALID_REQUEST, "Send exactly one form parameter token.");
        }
        String token = tokens.get(0);
        if (JwtIntrospection.looksLikeJwt(token)) {
            return noStore(new JwtIntrospection(session, realm, keys).introspect(token).<Object>map(a -> a)
                    .orElse(Map.of("active", false)));
        }
        Optional<ValidatedKey> key = keys.validate(token);
        return noStore(key.<Object>map(this::active).orElse(Map.of("active", false)));
    }

    /** The feed's page after {@code since}; without it, the cursor to start from. See {@link RevocationFeed#since}. */
    Response revocations(String since) {
        auth.authenticate();
        RevocationFeed feed = new RevocationFeed(session);
        try {
            return noStore(feedPage(since == null || since.isBlank() ? feed.start() : feed.since(realm, since)));
        } catch (ApiKeyException e) {
            throw ApiErrors.from(e);
        }
    }

    Response check(byte[] body) {
        auth.authenticate();
        List<String> keyIds = keyIds(body);
        List<String> inactive = keyIds.stream().distinct().filter(id -> !keys.isActive(id)).toList();
        return noStore(Map.of("inactive", inactive));
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

    private static Map<String, Object> feedPage(RevocationFeed.Page page) {
        List<Map<String, String>> entries = new ArrayList<>();
        for (RevocationFeed.Entry e : page.entries()) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("type", e.type());
            if (e.keyId() != null) {
                entry.put("key_id", e.keyId());
            }
            entry.put("sub", e.userId());
            entries.add(entry);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cursor", page.cursor());
        if (page.reset()) {
            json.put("reset", true);
        }
        json.put("events", entries);
        return json;
    }

    /**
     * The ids of {@code {"key_ids":[…]}}; 400 for anything else, too many, or a string that is not
     * a key id (the answer repeats ids, so it must never repeat a whole key sent by mistake).
     */
    private static List<String> keyIds(byte[] body) {
        JsonNode ids = JsonBodies.object(body).map(json -> json.get("key_ids")).orElse(null);
        boolean valid = ids != null && ids.isArray() && ids.size() <= MAX_CHECK_IDS;
        List<String> out = new ArrayList<>();
        if (valid) {
            for (JsonNode id : ids) {
                valid &= id.isTextual() && ApiKeyFormat.isKeyId(id.asText());
                out.add(id.asText());
            }
        }
        if (!valid) {
            throw ApiErrors.error(400, ApiKeyException.INVALID_REQUEST,
                    "The body must be {\"key_ids\":[...]} with at most " + MAX_CHECK_IDS + " key ids.");
        }
        return out;
    }

    private static Response noStore(Object entity) {
        return Response.ok(entity).header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }
}
