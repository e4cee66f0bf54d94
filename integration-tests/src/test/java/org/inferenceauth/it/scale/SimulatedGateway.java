package org.inferenceauth.it.scale;

import com.github.benmanes.caffeine.cache.Ticker;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.auth.apikey.Introspection;
import org.inferenceauth.gateway.auth.apikey.KeycloakApiKeyClient;
import org.inferenceauth.gateway.auth.apikey.KeycloakHealth;
import org.inferenceauth.gateway.auth.cache.ApiKeyCache;
import org.inferenceauth.gateway.auth.cache.KeyDigest;
import org.inferenceauth.gateway.auth.jwt.JwtAuthenticator;
import org.inferenceauth.gateway.auth.revocation.RevocationPoller;
import org.inferenceauth.gateway.auth.revocation.RevokedIdentities;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.gateway.metrics.GatewayMetrics;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;

/**
 * The revocation side of one gateway instance, built as the gateway builds it (its API-key cache,
 * token cache, revoked identities, Keycloak client and revocation poller, from the same settings),
 * without its HTTP servers: the identities it has cached are seeded straight into its cache instead
 * of being presented 100,000 times, while its feed reads and re-checks go to the real Keycloak.
 */
final class SimulatedGateway implements AutoCloseable {

    private final HttpClient http;
    private final ApiKeyCache cache;
    private final RevocationPoller poller;

    SimulatedGateway(Vertx vertx, KeycloakServer keycloak, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_UPSTREAMS", "http://127.0.0.1:9");
        env.put("GATEWAY_KEYCLOAK_ISSUER", keycloak.getIssuer(TestRealm.REALM));
        env.put("GATEWAY_KEYCLOAK_CLIENT_ID", TestRealm.GATEWAY_CLIENT);
        env.put("GATEWAY_KEYCLOAK_CLIENT_SECRET", TestRealm.GATEWAY_SECRET);
        env.put("GATEWAY_KEYCLOAK_TIMEOUT", "30s"); // a saturated Keycloak answers slowly: measure, don't fail
        env.put("GATEWAY_KEY_CACHE_TTL", "1h"); // no background refreshes: only the poller talks to Keycloak
        env.put("GATEWAY_KEY_CACHE_MAX_ENTRIES", "200000");
        env.put("GATEWAY_USAGE_SPILL_DIR", "target/usage-spill");
        env.putAll(overrides);
        GatewayConfig config = GatewayConfig.fromEnv(env);
        Clock clock = Clock.systemUTC();
        GatewayMetrics metrics = new GatewayMetrics();
        RevokedIdentities revoked = new RevokedIdentities(Duration.ofHours(24), config.jwt().clockSkew(), clock);
        JwtAuthenticator jwts = new JwtAuthenticator(vertx, config.jwt(), config.keycloak().issuer().toString(), revoked,
                config.keycloak().timeout(), clock);
        http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(4));
        cache = new ApiKeyCache(config.keyCache(), Ticker.systemTicker(), clock);
        poller = new RevocationPoller(vertx, new KeycloakApiKeyClient(http, config.keycloak(), new KeycloakHealth(metrics)),
                cache, jwts, revoked, metrics, RevocationPoller.Pace.of(config.keycloak()));
    }

    /** Caches an active identity for each key, as a first introspection would have. */
    void seed(List<SeededKeys.Key> keys) {
        Instant now = Instant.now();
        for (SeededKeys.Key key : keys) {
            Identity identity = new Identity(Identity.Kind.API_KEY, key.userId(), "sim", "personal", key.keyId(),
                    "account-console", null, now, now.plus(Duration.ofDays(30)));
            cache.load(hash(key), k -> CompletableFuture.completedFuture(new Introspection.Active(identity)), "unused").join();
        }
    }

    boolean holds(SeededKeys.Key key) {
        Optional<CompletableFuture<ApiKeyCache.Lookup>> cached = cache.cached(hash(key),
                k -> CompletableFuture.failedFuture(new IllegalStateException("no refresh in the simulation")), "unused");
        return cached.isPresent() && cached.get().join().result() instanceof Introspection.Active;
    }

    long cachedKeys() {
        return cache.size();
    }

    /** Starts the poller's timer rounds (the first one now); does not wait for it. */
    void start() {
        poller.start();
    }

    /** The cache's key for a seeded key: any distinct digest will do, no key is ever presented. */
    private static KeyDigest hash(SeededKeys.Key key) {
        return KeyDigest.of("sim:" + key.keyId());
    }

    @Override
    public void close() {
        poller.stop();
        http.close();
    }
}
