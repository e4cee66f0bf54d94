package org.inferenceauth.gateway.auth.service;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.inferenceauth.gateway.auth.AuthResult;
import org.inferenceauth.gateway.auth.ServiceCredential;
import org.inferenceauth.gateway.auth.apikey.SourceBudget;
import org.inferenceauth.gateway.auth.jwt.JwtAuthenticator;
import org.inferenceauth.gateway.config.GatewayConfig;

/**
 * Service credentials (a service account's client id and secret) in place of a token: exchanged
 * once at Keycloak for a client-credentials access token, which is then verified as any other
 * token ({@link JwtAuthenticator}: issuer, audience, role, revocations, limits claim). One cache,
 * keyed by the hash of id and secret, holds the exchange: in flight (concurrent first calls share
 * it), a token until shortly before it expires, or Keycloak's refusal for a short while, so a wrong
 * secret repeated is refused without asking again. A new pair costs its source one unit of the
 * failure budget ({@link SourceBudget}, shared with API keys), returned unless Keycloak refused it.
 */
public final class ServiceAccountAuthenticator {

    /** A token is renewed this long before it expires at the latest (less for short-lived tokens). */
    private static final Duration RENEW_MARGIN = Duration.ofSeconds(30);

    private final TokenExchange exchange;
    private final JwtAuthenticator jwts;
    private final SourceBudget budget;
    private final AsyncCache<String, TokenExchange.Outcome> exchanges;

    public ServiceAccountAuthenticator(TokenExchange exchange, JwtAuthenticator jwts, SourceBudget budget,
                                       GatewayConfig.ServiceCredentials config) {
        this.exchange = exchange;
        this.jwts = jwts;
        this.budget = budget;
        Duration negativeTtl = config.negativeTtl();
        this.exchanges = Caffeine.newBuilder()
                .maximumSize(config.maxEntries())
                .expireAfter(Expiry.<String, TokenExchange.Outcome>creating((hash, outcome) ->
                        outcome instanceof TokenExchange.Outcome.Token token ? token.lifetime().minus(margin(token.lifetime()))
                                : outcome instanceof TokenExchange.Outcome.Refused ? negativeTtl : Duration.ZERO))
                .buildAsync();
    }

    /** @param source the request's source, charged when Keycloak refuses a pair not seen before */
    public Future<AuthResult> authenticate(ServiceCredential credential, String source, Context context) {
        String hash = credential.hash();
        CompletableFuture<TokenExchange.Outcome> known = exchanges.getIfPresent(hash);
        if (known == null) {
            if (!budget.tryReserve(source)) {
                return Future.succeededFuture(new AuthResult.Throttled(budget.retryAfter(source)));
            }
            AtomicBoolean asked = new AtomicBoolean();
            known = exchanges.get(hash, (key, executor) -> {
                asked.set(true);
                return exchange.exchange(credential).toCompletionStage().toCompletableFuture();
            });
            CompletableFuture<TokenExchange.Outcome> mine = known;
            known.whenComplete((outcome, failure) -> {
                // Only our own exchange that Keycloak refused spends the unit.
                if (!asked.get() || !(outcome instanceof TokenExchange.Outcome.Refused)) {
                    budget.release(source);
                }
                if (!(outcome instanceof TokenExchange.Outcome.Token) && !(outcome instanceof TokenExchange.Outcome.Refused)) {
                    exchanges.asMap().remove(hash, mine); // an outage is not remembered
                }
            });
        }
        return Future.fromCompletionStage(known, context).compose(outcome -> {
            if (outcome instanceof TokenExchange.Outcome.Token token) {
                return jwts.authenticate(token.accessToken(), context);
            }
            if (outcome instanceof TokenExchange.Outcome.Refused) {
                return Future.succeededFuture(new AuthResult.Rejected(credential.basic()
                        ? AuthResult.SERVICE_CREDENTIAL_REFUSED_BASIC : AuthResult.SERVICE_CREDENTIAL_REFUSED));
            }
            return Future.succeededFuture(new AuthResult.Unavailable(((TokenExchange.Outcome.Unavailable) outcome).reason()));
        });
    }

    /** 30 s, or a fifth of a shorter lifetime: a token is never used in its last moments, where clocks disagree. */
    static Duration margin(Duration lifetime) {
        Duration fifth = lifetime.dividedBy(5);
        return fifth.compareTo(RENEW_MARGIN) < 0 ? fifth : RENEW_MARGIN;
    }
}
