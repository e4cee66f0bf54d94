package org.inferenceauth.gateway.auth.revocation;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.System.Logger;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.inferenceauth.gateway.auth.apikey.KeycloakApiKeyClient;
import org.inferenceauth.gateway.auth.cache.ApiKeyCache;
import org.inferenceauth.gateway.auth.jwt.JwtAuthenticator;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Keeps the caches honest; Keycloak's load from it grows with the number of revocations, not with
 * the number of cached keys times gateways. Two chains of rounds, each round one poll interval (1 s)
 * after the previous one of its chain started (at once if that took longer):
 * <ol>
 *   <li>the feed ({@link FeedReader}): reads the realm's revocation feed and evicts what it names: a
 *       key revoked, a user disabled or deleted. Keycloak also announces changes whose effect on keys
 *       it does not work out key by key (a role taken from a group or from the default roles, a group
 *       or role deleted, realm settings) as a {@code recheck_all} entry: that requests an urgent full
 *       re-check;</li>
 *   <li>the re-check: re-checks a share of the cached key ids, and of the ids of keys that cached
 *       tokens were obtained with, with Keycloak ({@code revocations/check}), evicting those no longer
 *       active ({@link FullRecheck}). Periodically the sweep covers every id once per full re-check
 *       interval (default 5 min), spread evenly over its rounds: the safety net for a revocation no
 *       feed entry named (a database edited behind Keycloak's back). After a feed gap (the feed
 *       answered {@code reset} or failed, Keycloak was unreachable) or a {@code recheck_all} a new
 *       sweep starts at the next re-check round, up to {@code urgentIdsPerRound} ids a round, so
 *       nothing the gap hid outlives a few rounds. A round starts no re-check call after half an
 *       interval (but always one), so Keycloak answers a sweep's calls half the time at most.</li>
 * </ol>
 * Why two chains: during a sweep one re-check call can take longer than the interval (four gateways
 * sweeping against one Keycloak); a feed read waiting for it took a revocation 1.9 s to reach them
 * all. On its own timer the feed is read every interval whatever the re-check is doing, so a
 * revocation reaches the gateway within about one interval plus a round trip; a key's expiry needs
 * neither chain (the caches honour {@code exp}). Revoked keys and users are also remembered
 * ({@link RevokedIdentities}), so that tokens naming them are refused.
 * <p>
 * Both chains, and rounds run by hand, run on the context the poller was created on (its one
 * thread): the feed's cursor and the full re-check's state are never touched at the same time.
 */
public final class RevocationPoller {

    /**
     * How often rounds run and how the full re-check is paced.
     *
     * @param interval            between rounds of each chain (the feed's latency)
     * @param fullRecheckInterval a periodic full re-check covers every cached key once this often;
     *                            equal to {@code interval}, every re-check round re-checks everything
     *                            (Keycloak's load before the feed drove eviction, kept for comparisons)
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

    private final Context context;
    private final KeycloakApiKeyClient keycloak;
    private final ApiKeyCache keys;
    private final JwtAuthenticator jwts;
    private final RevokedIdentities revoked;
    private final GatewayMetrics metrics;
    private final Duration reachableWindow;
    private final FullRecheck fullRecheck;
    private final FeedReader feed;
    /** Re-check calls a round starts after this long are left to the next round; 0: no limit. */
    private final long recheckBudgetNanos;
    private final TimerChain feedRounds;
    private final TimerChain recheckRounds;
    // The feed's wording is older than its chain: docs/troubleshooting.md has operators look for it.
    private final FailureStreak feedFailures = new FailureStreak(LOG, "Revocation round failed (will keep retrying): ",
            "Revocation feed reachable again; re-checking every cached key");
    private final FailureStreak recheckFailures = new FailureStreak(LOG, "Revocation re-check failed (will keep retrying): ",
            "Revocation re-check answering again");
    private final AtomicLong lastFeedReadNanos = new AtomicLong();

    public RevocationPoller(Vertx vertx, KeycloakApiKeyClient keycloak, ApiKeyCache keys, JwtAuthenticator jwts,
                            RevokedIdentities revoked, GatewayMetrics metrics, Pace pace) {
        this.context = vertx.getOrCreateContext();
        this.keycloak = keycloak;
        this.keys = keys;
        this.jwts = jwts;
        this.revoked = revoked;
        this.metrics = metrics;
        Duration interval = pace.interval();
        // Three missed feed reads (each may take up to a timeout) mean Keycloak is not reachable.
        this.reachableWindow = interval.plus(pace.keycloakTimeout()).multipliedBy(3);
        this.fullRecheck = new FullRecheck(pace.fullRecheckInterval(), interval, CHECK_BATCH, pace.urgentIdsPerRound(),
                System::nanoTime);
        this.feed = new FeedReader(keycloak, keys, jwts, revoked, metrics, fullRecheck);
        // Keycloak answers a sweep's re-check calls half the time at most, as when the feed shared the
        // re-check's rounds. Not when every round re-checks everything (kept as it was for comparisons).
        this.recheckBudgetNanos = pace.fullRecheckInterval().compareTo(interval) <= 0 ? 0 : interval.toNanos() / 2;
        this.feedRounds = new TimerChain(vertx, context, interval, this::readFeed);
        this.recheckRounds = new TimerChain(vertx, context, interval, this::recheck);
    }

    /**
     * Reads the feed now, then re-checks, and returns when both ended (successfully or not); then each
     * runs on its own timer. The re-check follows the feed as in {@link #round}: a gap the first read
     * finds is swept at once.
     */
    public Future<Void> start() {
        return feedRounds.start().compose(v -> recheckRounds.start());
    }

    public void stop() {
        feedRounds.stop();
        recheckRounds.stop();
    }

    /**
     * Whether Keycloak answered a feed read recently (used by readiness): the feed bounds how soon a
     * revocation is seen. A failing re-check alone is logged, not shown here.
     */
    public boolean keycloakReachable() {
        long last = lastFeedReadNanos.get();
        return last != 0 && System.nanoTime() - last < reachableWindow.toNanos();
    }

    /**
     * One feed read, then one re-check round, on the poller's context. Public for tests that drive
     * rounds by hand; it schedules nothing (else every call would start more timer chains).
     */
    public Future<Void> round() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> readFeed().compose(read -> recheck()).onComplete(done));
        return done.future();
    }

    /** One read of the feed; never fails: a failure is logged once per streak and requests an urgent sweep. */
    private Future<Void> readFeed() {
        return feed.read().transform(read -> {
            if (read.succeeded()) {
                lastFeedReadNanos.set(System.nanoTime());
                if (feedFailures.succeeded()) {
                    fullRecheck.requestUrgent("Keycloak reachable again"); // what the outage hid
                }
            } else {
                feedFailures.failed(read.cause());
                // Entries may be missed while the feed fails (or lost if it stays down past its
                // retention): the re-check is the only way to learn until it is back.
                fullRecheck.requestUrgent("the revocation feed failed");
            }
            return Future.<Void>succeededFuture();
        });
    }

    /**
     * This round's batches of the full re-check, one call at a time; never fails: a failure is logged
     * once per streak, and the batches not checked wait for the next round.
     */
    private Future<Void> recheck() {
        long started = System.nanoTime();
        List<List<String>> batches = fullRecheck.batchesForRound(this::keyIdsInUse);
        return checkBatches(batches, 0, started).transform(checked -> {
            if (checked.succeeded()) {
                recheckFailures.succeeded();
            } else {
                recheckFailures.failed(checked.cause());
            }
            return Future.<Void>succeededFuture();
        });
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
