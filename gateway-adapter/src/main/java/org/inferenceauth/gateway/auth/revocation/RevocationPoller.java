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
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Keeps the caches honest; Keycloak's load from it grows with the number of revocations, not with
 * the number of cached keys times gateways. Every poll interval (1 s) a round
 * <ol>
 *   <li>reads the realm's revocation feed and evicts what it names: a key revoked, a user disabled
 *       or deleted. Keycloak also announces changes whose effect on keys it does not work out key by
 *       key (a role taken from a group or from the default roles, a group or role deleted, realm
 *       settings) as a {@code recheck_all} entry: that starts an urgent full re-check;</li>
 *   <li>re-checks a share of the cached key ids, and of the ids of keys that cached tokens were
 *       obtained with, with Keycloak ({@code revocations/check}), evicting those no longer active
 *       ({@link FullRecheck}). Periodically the sweep covers every id once per full re-check interval
 *       (default 5 min), spread evenly over its rounds: the safety net for a revocation no feed entry
 *       named (a database edited behind Keycloak's back). After a feed gap (the feed answered
 *       {@code reset}, a round failed, Keycloak was unreachable) or a {@code recheck_all} a new sweep
 *       starts at once, up to {@code urgentIdsPerRound} ids a round, so nothing the gap hid
 *       outlives a few rounds. A round starts no re-check call after half an interval (but always
 *       one), so a sweep holds back the next feed read by one call at most.</li>
 * </ol>
 * Rounds start one interval apart, counted from the previous round's start (at once if it took
 * longer), so a revocation reaches the gateway within about one interval plus a round trip (during an
 * urgent re-check, plus one re-check call); a key's expiry needs neither step (the caches honour {@code exp}). Revoked
 * keys and users are also remembered ({@link RevokedIdentities}), so that tokens naming them are
 * refused. Rounds never overlap: the next one is scheduled when the previous ends.
 */
public final class RevocationPoller {

    /**
     * How often rounds run and how the full re-check is paced.
     *
     * @param interval            between rounds (the feed's latency)
     * @param fullRecheckInterval a periodic full re-check covers every cached key once this often;
     *                            equal to {@code interval}, every round re-checks everything (the
     *                            behaviour before the feed drove eviction, kept for comparisons)
     * @param urgentIdsPerRound   ids a round re-checks after a feed gap or a {@code recheck_all}, as far as
     *                            one interval allows
     * @param keycloakTimeout     of each call, for the readiness window
     */
    public record Pace(Duration interval, Duration fullRecheckInterval, int urgentIdsPerRound, Duration keycloakTimeout) {
        public static Pace of(GatewayConfig.Keycloak keycloak) {
            return new Pace(keycloak.revocationPollInterval(), keycloak.revocationFullRecheckInterval(),
                    keycloak.revocationUrgentRecheckIds(), keycloak.timeout());
        }
    }

    private static final Logger LOG = System.getLogger(RevocationPoller.class.getName());
    private static final int CHECK_BATCH = 500;
    private static final int MAX_PAGES_PER_ROUND = 20;
    static final String RECHECK_ALL = "recheck_all";

    private final Vertx vertx;
    private final KeycloakApiKeyClient keycloak;
    private final ApiKeyCache keys;
    private final JwtAuthenticator jwts;
    private final RevokedIdentities revoked;
    private final GatewayMetrics metrics;
    private final Duration interval;
    private final Duration reachableWindow;
    private final FullRecheck fullRecheck;
    /** Re-check calls a round starts after this long are left to the next round; 0: no limit. */
    private final long recheckBudgetNanos;
    private final AtomicLong lastSuccessNanos = new AtomicLong();
    private volatile String cursor;
    private volatile boolean running;
    private volatile boolean failing;
    private long timerId = -1;

    public RevocationPoller(Vertx vertx, KeycloakApiKeyClient keycloak, ApiKeyCache keys, JwtAuthenticator jwts,
                            RevokedIdentities revoked, GatewayMetrics metrics, Pace pace) {
        this.vertx = vertx;
        this.keycloak = keycloak;
        this.keys = keys;
        this.jwts = jwts;
        this.revoked = revoked;
        this.metrics = metrics;
        this.interval = pace.interval();
        // Three missed rounds (each may take up to a timeout per call) mean Keycloak is not reachable.
        this.reachableWindow = interval.plus(pace.keycloakTimeout()).multipliedBy(3);
        this.fullRecheck = new FullRecheck(pace.fullRecheckInterval(), interval, CHECK_BATCH, pace.urgentIdsPerRound(),
                System::nanoTime);
        // A long re-check would hold back the next feed read: a round stops starting calls after half
        // an interval (one call at least), so the next round can still start on time. Keycloak then
        // answers re-checks half the time at most, as before rounds were counted from their start.
        // Not when every round re-checks everything (the old behaviour, kept as it was for comparisons).
        this.recheckBudgetNanos = pace.fullRecheckInterval().compareTo(interval) <= 0 ? 0 : interval.toNanos() / 2;
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
        long started = System.nanoTime();
        return round().andThen(v -> scheduleNext(started));
    }

    /**
     * One round: feed, then this round's share of the full re-check. Public for tests that drive
     * rounds by hand; such a round schedules nothing (else every call would start one more chain of
     * timer rounds). Rounds started by hand must not overlap the timer's: tests call it between them.
     */
    public Future<Void> round() {
        long started = System.nanoTime();
        // Both steps run even if one fails: a broken feed must not stop the re-check, or vice versa.
        return readFeed()
                .transform(feed -> {
                    if (feed.failed()) {
                        // Entries may be missed while the feed fails (or lost if it stays down past
                        // its retention): the re-check is the only way to learn until it is back.
                        fullRecheck.requestUrgent("the revocation feed failed");
                    }
                    return recheckShare(started).transform(recheck ->
                            feed.failed() ? Future.<Void>failedFuture(feed.cause()) : recheck.failed()
                                    ? Future.<Void>failedFuture(recheck.cause()) : Future.<Void>succeededFuture());
                })
                .onSuccess(v -> {
                    lastSuccessNanos.set(System.nanoTime());
                    if (failing) {
                        LOG.log(Level.INFO, "Revocation feed reachable again; re-checking every cached key");
                        failing = false;
                        fullRecheck.requestUrgent("Keycloak reachable again"); // what the outage hid
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

    /** One interval after the round that just ended started: a slow round does not delay the next feed read. */
    private void scheduleNext(long roundStarted) {
        if (running) {
            long elapsedMillis = (System.nanoTime() - roundStarted) / 1_000_000;
            timerId = vertx.setTimer(Math.max(1, interval.toMillis() - elapsedMillis), id -> scheduledRound());
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
                // what the feed lost before its re-creation only a full re-check can find.
                LOG.log(Level.WARNING, "Keycloak's revocation feed was re-created; reading it again from its start"
                        + " and re-checking every cached key");
                fullRecheck.requestUrgent("the revocation feed was re-created");
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

    /** This round's batches of the full re-check, one call at a time; unchecked ones wait for the next round. */
    private Future<Void> recheckShare(long roundStarted) {
        List<List<String>> batches = fullRecheck.batchesForRound(this::keyIdsInUse);
        return checkBatches(batches, 0, roundStarted);
    }

    private Future<Void> checkBatches(List<List<String>> batches, int next, long roundStarted) {
        if (next >= batches.size()) {
            return Future.succeededFuture();
        }
        if (next > 0 && recheckBudgetNanos > 0 && System.nanoTime() - roundStarted > recheckBudgetNanos) {
            fullRecheck.retry(batches.subList(next, batches.size()));
            return Future.succeededFuture();
        }
        return keycloak.inactiveKeyIds(batches.get(next))
                .map(this::evictInactive)
                .compose(v -> checkBatches(batches, next + 1, roundStarted),
                        failure -> {
                            fullRecheck.retry(batches.subList(next, batches.size()));
                            return Future.failedFuture(failure);
                        });
    }

    private Set<String> keyIdsInUse() {
        Set<String> inUse = new HashSet<>(keys.activeKeyIds());
        inUse.addAll(jwts.keyIdsInUse());
        return inUse;
    }

    private Void evictInactive(Set<String> inactive) {
        if (!inactive.isEmpty()) {
            inactive.forEach(revoked::revokeKey);
            metrics.revocationsApplied("recheck", keys.invalidateKeyIds(inactive));
        }
        return null;
    }
}
