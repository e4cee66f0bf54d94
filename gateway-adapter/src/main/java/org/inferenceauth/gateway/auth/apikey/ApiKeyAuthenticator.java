package org.inferenceauth.gateway.auth.apikey;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.inferenceauth.gateway.auth.AuthResult;
import org.inferenceauth.gateway.auth.cache.ApiKeyCache;
import org.inferenceauth.gateway.auth.cache.KeyHash;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/** API keys: local plausibility check, then the cache, then (on a miss) one introspection per key. */
public final class ApiKeyAuthenticator {

    private final ApiKeyPrecheck precheck;
    private final ApiKeyCache cache;
    private final KeycloakApiKeyClient keycloak;
    private final GatewayMetrics metrics;
    private final Clock clock;

    public ApiKeyAuthenticator(ApiKeyPrecheck precheck, ApiKeyCache cache, KeycloakApiKeyClient keycloak,
                               GatewayMetrics metrics, Clock clock) {
        this.precheck = precheck;
        this.cache = cache;
        this.keycloak = keycloak;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Future<AuthResult> authenticate(String apiKey, Context context) {
        if (!precheck.plausible(apiKey)) {
            return Future.succeededFuture(new AuthResult.Rejected("not an API key (format or checksum)"));
        }
        CompletableFuture<ApiKeyCache.Lookup> lookup = cache.get(KeyHash.of(apiKey), this::introspect, apiKey);
        return Future.fromCompletionStage(lookup, context).<AuthResult>map(found -> {
            metrics.keyCache(found.hit());
            if (found.result() instanceof Introspection.Unavailable unavailable) {
                return new AuthResult.Unavailable(unavailable.reason());
            }
            if (found.result() instanceof Introspection.Active active && !active.identity().isExpired(clock.instant())) {
                return new AuthResult.Authenticated(active.identity());
            }
            return new AuthResult.Rejected("API key inactive");
        }).recover(failure -> Future.succeededFuture(new AuthResult.Unavailable(failure.getMessage())));
    }

    private CompletableFuture<Introspection> introspect(String apiKey) {
        long started = System.nanoTime();
        return keycloak.introspect(apiKey)
                .andThen(done -> metrics.introspection(Duration.ofNanos(System.nanoTime() - started), done.succeeded()))
                // An answer, not a failed future: Caffeine would log every failed load with a stack trace.
                .recover(failure -> Future.succeededFuture(new Introspection.Unavailable(failure.getMessage())))
                .toCompletionStage().toCompletableFuture();
    }
}
