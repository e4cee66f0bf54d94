package org.inferenceauth.gateway.auth.revocation;

import io.vertx.core.Future;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import org.inferenceauth.gateway.auth.apikey.KeycloakApiKeyClient;
import org.inferenceauth.gateway.auth.apikey.RevocationBatch;
import org.inferenceauth.gateway.auth.cache.ApiKeyCache;
import org.inferenceauth.gateway.auth.jwt.JwtAuthenticator;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Reads the realm's revocation feed from where the previous read stopped and applies it: a key
 * revoked, a user disabled or deleted is evicted from the caches and remembered (tokens naming it are
 * refused). What the feed cannot name key by key, a {@code recheck_all} entry or a re-created feed,
 * is handed to the full re-check as an urgent sweep.
 */
final class FeedReader {

    private static final Logger LOG = System.getLogger(FeedReader.class.getName());
    private static final int MAX_PAGES_PER_READ = 20;
    private static final String RECHECK_ALL = "recheck_all";

    private final KeycloakApiKeyClient keycloak;
    private final ApiKeyCache keys;
    private final JwtAuthenticator jwts;
    private final RevokedIdentities revoked;
    private final GatewayMetrics metrics;
    private final FullRecheck fullRecheck;
    private volatile String cursor;

    FeedReader(KeycloakApiKeyClient keycloak, ApiKeyCache keys, JwtAuthenticator jwts, RevokedIdentities revoked,
               GatewayMetrics metrics, FullRecheck fullRecheck) {
        this.keycloak = keycloak;
        this.keys = keys;
        this.jwts = jwts;
        this.revoked = revoked;
        this.metrics = metrics;
        this.fullRecheck = fullRecheck;
    }

    /** Reads pages (the realm sends at most 1000 events each) until one comes back empty, within limits. */
    Future<Void> read() {
        return readPage(MAX_PAGES_PER_READ);
    }

    private Future<Void> readPage(int pagesLeft) {
        String sent = cursor;
        return keycloak.revocations(sent).compose(batch -> {
            if (batch.reset()) {
                // Entries between the table's re-creation and now are in this page and the next ones;
                // what the feed lost before its re-creation only a full re-check can find.
                LOG.log(Level.WARNING, "Keycloak's revocation feed was re-created; reading it again from its start"
                        + " and re-checking every cached key");
                fullRecheck.requestUrgent("the revocation feed was re-created");
            }
            apply(batch.events());
            cursor = batch.cursor();
            // Without a cursor the realm only tells where to start. A cursor that did not move means
            // the realm re-sent its freshest entries (delivery is at-least-once): asking again in
            // this read would only get them once more. Either way, the rest waits for the next read.
            boolean moved = sent != null && !sent.equals(batch.cursor());
            return !moved || batch.events().isEmpty() || pagesLeft <= 1
                    ? Future.succeededFuture() : readPage(pagesLeft - 1);
        });
    }

    private void apply(List<RevocationBatch.Event> events) {
        List<String> keyIds = new ArrayList<>();
        for (RevocationBatch.Event event : events) {
            if (event.isKeyRevocation() && event.keyId() != null) {
                keyIds.add(event.keyId());
            } else if (event.subject() != null
                    && ("user_disabled".equals(event.type()) || "user_deleted".equals(event.type()))) {
                revoked.revokeSubject(event.subject());
                jwts.evictSubject(event.subject());
                metrics.revocationsApplied("user", keys.invalidateSubject(event.subject()));
            } else if (RECHECK_ALL.equals(event.type())) {
                // Replayed entries (at-least-once) request it again: harmless, a sweep restarts.
                fullRecheck.requestUrgent("Keycloak announced a realm-wide change");
            }
        }
        if (!keyIds.isEmpty()) {
            keyIds.forEach(revoked::revokeKey);
            metrics.revocationsApplied("key", keys.invalidateKeyIds(keyIds));
        }
    }
}
