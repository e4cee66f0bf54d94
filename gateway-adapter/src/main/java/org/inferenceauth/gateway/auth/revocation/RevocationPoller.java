package org.inferenceauth.gateway.auth.revocation;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.inferenceauth.gateway.auth.apikey.KeycloakApiKeyClient;
import org.inferenceauth.gateway.auth.apikey.RevocationBatch;
import org.inferenceauth.gateway.auth.cache.ApiKeyCache;
import org.inferenceauth.gateway.auth.jwt.JwtAuthenticator;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Keeps the caches honest. Every interval it (1) reads the realm's revocation feed and evicts what
 * it names, and (2) asks Keycloak which of the cached keys, and of the keys that cached tokens were
 * obtained with, are no longer active and evicts those. The second step catches what the feed
 * cannot see (an expiry, a role taken away from a group or from the default roles), so any
 * revocation reaches the gateway within about one interval plus a round trip. Revoked keys and
 * users are also remembered ({@link RevokedIdentities}), so that tokens naming them are refused.
 * Rounds never overlap: the next one is scheduled when the previous ends.
 */
public final class RevocationPoller {

    private static final Logger LOG = System.getLogger(RevocationPoller.class.getName());
    private static final int CHECK_BATCH = 500;
    private static final int MAX_PAGES_PER_ROUND = 20;

    private final Vertx vertx;
    private final KeycloakApiKeyClient keycloak;
    private final ApiKeyCache keys;
    private final JwtAuthenticator jwts;
    private final RevokedIdentities revoked;
    private final GatewayMetrics metrics;
    private final Duration interval;
    private final Duration reachableWindow;
    private final AtomicLong lastSuccessNanos = new AtomicLong();
    private volatile String cursor;
    private volatile boolean running;
    private volatile boolean failing;
    private long timerId = -1;

    public RevocationPoller(Vertx vertx, KeycloakApiKeyClient keycloak, ApiKeyCache keys, JwtAuthenticator jwts,
                            RevokedIdentities revoked, GatewayMetrics metrics, Duration interval,
                            Duration keycloakTimeout) {
        this.vertx = vertx;
        this.keycloak = keycloak;
        this.keys = keys;
        this.jwts = jwts;
        this.revoked = revoked;
        this.metrics = metrics;
        this.interval = interval;
        // Three missed rounds (each may take up to a timeout per call) mean Keycloak is not reachable.
        this.reachableWindow = interval.plus(keycloakTimeout).multipliedBy(3);
    }

    /** Runs the first round now and returns when it ended (successfully or not); then one round every interval. */
    public Future<Void> start() {
        running = true;
        return scheduledRound();
    }

    public void stop() {
        running = false;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /** Whether Keycloak answered a round recently (used by readiness). */
    public boolean keycloakReachable() {
        long last = lastSuccessNanos.get();
        return last != 0 && System.nanoTime() - last < reachableWindow.toNanos();
    }

    private Future<Void> scheduledRound() {
        return round().andThen(v -> scheduleNext());
    }

    /**
     * One round: feed, then batch re-check. Public for tests that drive rounds by hand; such a round
     * schedules nothing (else every call would start one more chain of timer rounds).
     */
    public Future<Void> round() {
        // Both steps run even if one fails: a broken feed must not stop the re-check, or vice versa.
        return readFeed()
                .transform(feed -> recheckCachedKeys().transform(recheck ->
                        feed.failed() ? Future.<Void>failedFuture(feed.cause()) : recheck.failed()
                                ? Future.<Void>failedFuture(recheck.cause()) : Future.<Void>succeededFuture()))
                .onSuccess(v -> {
                    lastSuccessNanos.set(System.nanoTime());
                    if (failing) {
                        LOG.log(Level.INFO, "Revocation feed reachable again");
                        failing = false;
                    }
                })
                .recover(failure -> {
                    if (!failing) {
                        LOG.log(Level.WARNING, "Revocation round failed (will keep retrying): " + failure.getMessage());
                        failing = true;
                    }
                    return Future.succeededFuture();
                });
    }

    private void scheduleNext() {
        if (running) {
            timerId = vertx.setTimer(interval.toMillis(), id -> scheduledRound());
        }
    }

    /** Reads pages (the realm sends at most 1000 events each) until one comes back empty, within limits. */
    private Future<Void> readFeed() {
        return readFeedPage(MAX_PAGES_PER_ROUND);
    }

    private Future<Void> readFeedPage(int pagesLeft) {
        String sent = cursor;
        return keycloak.revocations(sent).compose(batch -> {
            if (batch.reset()) {
                // Entries between the table's re-creation and now are in this page and the next ones;
                // the re-check that ends this round covers the cached keys whatever the feed lost.
                LOG.log(Level.WARNING, "Keycloak's revocation feed was re-created; reading it again from its start");
            }
            apply(batch.events());
            cursor = batch.cursor();
            // Without a cursor the realm only tells where to start. A cursor that did not move means
            // the realm re-sent its freshest entries (delivery is at-least-once): asking again in
            // this round would only get them once more. Either way, the rest waits for the next round.
            boolean moved = sent != null && !sent.equals(batch.cursor());
            return !moved || batch.events().isEmpty() || pagesLeft <= 1
                    ? Future.succeededFuture() : readFeedPage(pagesLeft - 1);
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
            }
        }
        if (!keyIds.isEmpty()) {
            keyIds.forEach(revoked::revokeKey);
            metrics.revocationsApplied("key", keys.invalidateKeyIds(keyIds));
        }
    }

    private Future<Void> recheckCachedKeys() {
        Set<String> inUse = new HashSet<>(keys.activeKeyIds());
        inUse.addAll(jwts.keyIdsInUse());
        List<String> cached = List.copyOf(inUse);
        Future<Void> chain = Future.succeededFuture();
        for (int from = 0; from < cached.size(); from += CHECK_BATCH) {
            List<String> batch = cached.subList(from, Math.min(cached.size(), from + CHECK_BATCH));
            chain = chain.compose(v -> keycloak.inactiveKeyIds(batch)).map(this::evictInactive);
        }
        return chain;
    }

    private Void evictInactive(Set<String> inactive) {
        if (!inactive.isEmpty()) {
            inactive.forEach(revoked::revokeKey);
            metrics.revocationsApplied("recheck", keys.invalidateKeyIds(inactive));
        }
        return null;
    }
}
