package org.inferenceauth.keycloak.resource;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.apikey.format.ApiKeyFormat;
import org.inferenceauth.keycloak.keys.ApiKeyException;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.keys.RevocationFeed;
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

    /** Exactly {@code {"active":false}} for every invalid key (or JWT), whatever the reason. See {@link IntrospectionAnswer}. */
    Response introspect() {
        auth.authenticate();
        List<String> tokens = session.getContext().getHttpRequest().getDecodedFormParameters().get("token");
        if (tokens == null || tokens.size() != 1 || tokens.get(0).isEmpty()) {
            throw ApiErrors.error(400, ApiKeyException.INVALID_REQUEST, "Send exactly one form parameter token.");
        }
        return IntrospectionAnswer.response(new IntrospectionAnswer(session, realm, keys).of(tokens.get(0)));
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

    private static Map<String, Object> feedPage(RevocationFeed.Page page) {
        List<Map<String, String>> entries = new ArrayList<>();
        for (RevocationFeed.Entry e : page.entries()) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("type", e.type());
            if (e.keyId() != null) {
                entry.put("key_id", e.keyId());
            }
            if (e.userId() != null) {
                entry.put("sub", e.userId());
            }
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
