package org.inferenceauth.keycloak.resource;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inferenceauth.keycloak.keys.ApiKeyException;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.keys.ValidatedKey;
import org.inferenceauth.keycloak.model.jpa.RevocationEventEntity;
import org.inferenceauth.keycloak.model.jpa.RevocationFeedStore;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.util.JsonSerialization;

/** What gateways call: introspection (RFC 7662 shape), the revocation feed and the batch re-check. */
final class GatewayEndpoints {

    static final int MAX_FEED_PAGE = 1000;
    static final int MAX_CHECK_IDS = 1000;
    static final int REPLAY_SECONDS = 2;

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
            return noStore(new JwtIntrospection(session, realm).introspect(token).<Object>map(a -> a)
                    .orElse(Map.of("active", false)));
        }
        Optional<ValidatedKey> key = keys.validate(token);
        return noStore(key.<Object>map(GatewayEndpoints::active).orElse(Map.of("active", false)));
    }

    /**
     * At-least-once delivery: ids come from a sequence, so a transaction that took a lower id may
     * commit after a higher one is visible. The returned cursor therefore never passes an entry
     * younger than {@value #REPLAY_SECONDS} s: recent entries are delivered again on the next poll
     * (gateways evict idempotently) instead of a late commit being skipped.
     */
    Response revocations(String since) {
        auth.authenticate();
        RevocationFeedStore feed = new RevocationFeedStore(session);
        long settledBy = Time.currentTime() - REPLAY_SECONDS;
        if (since == null || since.isBlank()) {
            return noStore(feedPage(feed.latestCursor(settledBy), List.of()));
        }
        long cursor;
        try {
            cursor = Long.parseLong(since);
        } catch (NumberFormatException e) {
            throw ApiErrors.error(400, ApiKeyException.INVALID_REQUEST, "since must be a cursor of this feed.");
        }
        FeedRetention.purgeNowAndThen(feed, realm.getId(), keys.settings().feedRetention());
        List<RevocationEventEntity> events = feed.since(realm.getId(), cursor, MAX_FEED_PAGE);
        long next = cursor;
        for (RevocationEventEntity event : events) {
            if (event.getCreatedAt() > settledBy) {
                break;
            }
            next = event.getId();
        }
        if (events.size() == MAX_FEED_PAGE && next == cursor) {
            next = events.get(events.size() - 1).getId(); // a full page of recent entries: move on
        }
        return noStore(feedPage(next, events));
    }

    Response check(String body) {
        auth.authenticate();
        List<String> keyIds = keyIds(body);
        List<String> inactive = keyIds.stream().distinct().filter(id -> !keys.isActive(id)).toList();
        return noStore(Map.of("inactive", inactive));
    }

    private static Map<String, Object> active(ValidatedKey key) {
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
        return json;
    }

    private static Map<String, Object> feedPage(long cursor, List<RevocationEventEntity> events) {
        List<Map<String, String>> entries = new ArrayList<>();
        for (RevocationEventEntity e : events) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("type", e.getType());
            if (e.getKeyId() != null) {
                entry.put("key_id", e.getKeyId());
            }
            entry.put("sub", e.getUserId());
            entries.add(entry);
        }
        return Map.of("cursor", Long.toString(cursor), "events", entries);
    }

    /** The ids of {@code {"key_ids":[…]}}; 400 for anything else or too many. */
    private static List<String> keyIds(String body) {
        JsonNode ids;
        try {
            ids = body == null || body.isBlank() ? null : JsonSerialization.mapper.readTree(body).get("key_ids");
        } catch (IOException malformed) {
            ids = null;
        }
        boolean valid = ids != null && ids.isArray() && ids.size() <= MAX_CHECK_IDS;
        List<String> out = new ArrayList<>();
        if (valid) {
            for (JsonNode id : ids) {
                valid &= id.isTextual();
                out.add(id.asText());
            }
        }
        if (!valid) {
            throw ApiErrors.error(400, ApiKeyException.INVALID_REQUEST,
                    "The body must be {\"key_ids\":[...]} with at most " + MAX_CHECK_IDS + " ids.");
        }
        return out;
    }

    private static Response noStore(Object entity) {
        return Response.ok(entity).header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }

    /** Deletes a realm's old feed entries at most once a minute per node, on a read (no scheduler needed). */
    static final class FeedRetention {
        private static final java.util.concurrent.ConcurrentMap<String, Long> LAST_PURGE =
                new java.util.concurrent.ConcurrentHashMap<>();

        static void purgeNowAndThen(RevocationFeedStore feed, String realmId, int retentionSeconds) {
            long now = Time.currentTime();
            Long last = LAST_PURGE.get(realmId);
            if (last == null || now - last >= 60) { // two nodes purging at once is harmless
                LAST_PURGE.put(realmId, now);
                feed.purge(realmId, now - retentionSeconds);
            }
        }
    }
}
