package org.inferenceauth.gateway.auth.apikey;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.inferenceauth.gateway.async.Futures;
import org.inferenceauth.gateway.auth.AuthResult;
import org.inferenceauth.gateway.auth.cache.ApiKeyCache;
import org.inferenceauth.gateway.auth.cache.KeyDigest;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * API keys: local plausibility check, then the caches, then (on a miss, if the request's source has
 * budget left) one introspection per key through the bounded {@link IntrospectionQueue}.
 */
public final class ApiKeyAuthenticator {

    private final ApiKeyPrecheck precheck;
    private final ApiKeyCache cache;
    private final KeycloakApiKeyClient keycloak;
    private final IntrospectionQueue queue;
    private final SourceBudget budget;
    private final KeycloakHealth health;
    private final GatewayMetrics metrics;
    private final Clock clock;

    public ApiKeyAuthenticator(ApiKeyPrecheck precheck, ApiKeyCache cache, KeycloakApiKeyClient keycloak,
                               IntrospectionQueue queue, SourceBudget budget, KeycloakHealth health,
                               GatewayMetrics metrics, Clock clock) {
        this.precheck = precheck;
        this.cache = cache;
        this.keycloak = keycloak;
        this.queue = queue;
        this.budget = budget;
        this.health = health;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** @param source the request's source as {@code ClientAddress} names it (what failures are charged to) */
    public Future<AuthResult> authenticate(String apiKey, String source, Context context) {
        if (!precheck.plausible(apiKey)) {
            return Future.succeededFuture(new AuthResult.Rejected(AuthResult.MALFORMED));
        }
        KeyDigest hash = KeyDigest.of(apiKey);
        Optional<CompletableFuture<ApiKeyCache.Lookup>> known = cache.cached(hash, this::introspect, apiKey);
        if (known.isPresent()) {
            return decide(known.get(), context);
        }
        if (!budget.tryReserve(source)) {
            return Future.succeededFuture(new AuthResult.Throttled(budget.retryAfter(source)));
        }
        CompletableFuture<ApiKeyCache.Lookup> loaded = cache.load(hash, this::introspect, apiKey)
                .whenComplete((lookup, failure) -> {
                    // Only a key Keycloak itself called inactive spends the unit.
                    if (lookup == null || !lookup.introspected() || !(lookup.result() instanceof Introspection.Inactive)) {
                        budget.release(source);
                    }
                });
        return decide(loaded, context);
    }

    private Future<AuthResult> decide(CompletableFuture<ApiKeyCache.Lookup> lookup, Context context) {
        return Futures.recover(Futures.<ApiKeyCache.Lookup, AuthResult>map(Futures.fromStage(lookup, context), found -> {
            metrics.keyCache(found.hit());
            if (found.result() instanceof Introspection.Unavailable unavailable) {
                return new AuthResult.Unavailable(unavailable.reason());
            }
            if (found.result() instanceof Introspection.Active active && !active.identity().isExpired(clock.instant())) {
                // Keycloak refusing the gateway is no outage: without the feed, no grace beyond the TTL.
                return found.stale() && health.refusing()
                        ? new AuthResult.Unavailable("Keycloak refuses the gateway; cached identity past its TTL")
                        : new AuthResult.Authenticated(active.identity());
            }
            return new AuthResult.Rejected("API key inactive");
        }), failure -> Future.succeededFuture(new AuthResult.Unavailable(failure.getMessage())));
    }

    private CompletableFuture<Introspection> introspect(String apiKey) {
        return queue.submit(() -> {
                    long started = System.nanoTime();
                    return keycloak.introspect(apiKey).andThen(done ->
                            metrics.introspection(Duration.ofNanos(System.nanoTime() - started), done.succeeded()));
                })
                // An answer, not a failed future: the caches then simply keep nothing.
                .recover(failure -> Future.succeededFuture(new Introspection.Unavailable(failure.getMessage())))
                .toCompletionStage().toCompletableFuture();
    }
}
