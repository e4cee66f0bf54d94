package org.inferenceauth.gateway.auth.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.inferenceauth.gateway.auth.AuthResult;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.auth.cache.KeyHash;
import org.inferenceauth.gateway.auth.revocation.RevokedIdentities;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.gateway.limit.policy.DeliveredLimits;
import org.inferenceauth.gateway.net.KeycloakTrust;

/**
 * Keycloak access tokens, verified locally: signature against the realm's JWKS (cached by Nimbus,
 * an unknown {@code kid} triggers a rate-limited re-fetch, so key rotation just works), issuer,
 * expiry and not-before with a clock skew, accepted audiences, authorized parties,
 * {@code typ=Bearer} so ID and refresh tokens are refused, and the realm role the inference API
 * needs in {@code realm_access.roles}. A verified token's identity is cached by its hash until it
 * expires, so a token costs one signature check, not one per request; revocations of its user, or
 * of the API key it was obtained with ({@code api_key_id}), are checked on every request.
 */
public final class JwtAuthenticator {

    /** The claim naming the API key a token was obtained with (Keycloak's key-for-token grant). */
    static final String KEY_ID_CLAIM = "api_key_id";
    /** The limits Keycloak's protocol mapper puts in every access token (issue 12, gateway-adapter README "Limits"). */
    static final String LIMITS_CLAIM = "inference_limits";
    /** The project of the API key a token was obtained with: the payer of the claim's {@code project} limits. */
    static final String KEY_PROJECT_CLAIM = "api_key_project";

    private final Vertx vertx;
    private final JWKSource<SecurityContext> jwks;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Set<String> authorizedParties;
    private final Optional<String> requiredRole;
    private final Set<String> webUiClients;
    private final RevokedIdentities revoked;
    private final Clock clock;
    private final Duration clockSkew;
    private final Cache<String, Identity> verified;

    public JwtAuthenticator(Vertx vertx, GatewayConfig.Jwt config, String issuer, RevokedIdentities revoked,
                            Duration httpTimeout, Clock clock) {
        this(vertx, config, issuer, revoked, httpTimeout, clock, new KeycloakTrust(Optional.empty()));
    }

    /** @param trust the CAs the JWKS is fetched with ({@code GATEWAY_KEYCLOAK_CA_FILE}) */
    public JwtAuthenticator(Vertx vertx, GatewayConfig.Jwt config, String issuer, RevokedIdentities revoked,
                            Duration httpTimeout, Clock clock, KeycloakTrust trust) {
        this.vertx = vertx;
        this.authorizedParties = config.authorizedParties();
        this.requiredRole = config.requiredRole();
        this.webUiClients = config.webUiClients();
        this.revoked = revoked;
        this.clock = clock;
        this.clockSkew = config.clockSkew();
        int timeout = (int) httpTimeout.toMillis();
        try {
            this.jwks = JWKSourceBuilder.<SecurityContext>create(config.jwksUrl().toURL(),
                            new DefaultResourceRetriever(timeout, timeout, 256 * 1024, true,
                                    trust.sslContext().map(SSLContext::getSocketFactory).orElse(null)))
                    .cache(Duration.ofHours(1).toMillis(), Math.max(timeout, 1000))
                    .refreshAheadCache(Duration.ofMinutes(1).toMillis(), true)
                    .rateLimited(Duration.ofSeconds(30).toMillis())
                    .outageTolerant(Duration.ofHours(6).toMillis())
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWKS URL " + config.jwksUrl(), e);
        }
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
                        JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.EdDSA), jwks));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                config.audiences().isEmpty() ? null : config.audiences(),
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub", "exp", "iat"),
                null);
        claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        this.verified = Caffeine.newBuilder().executor(Runnable::run)
                .maximumSize(100_000)
                .expireAfter(Expiry.<String, Identity>creating((hash, identity) ->
                        Duration.between(clock.instant(), identity.expiresAt().plus(clockSkew))))
                .build();
    }

    public Future<AuthResult> authenticate(String token, Context context) {
        String hash = KeyHash.of(token);
        Identity cached = verified.getIfPresent(hash);
        if (cached != null) {
            return Future.succeededFuture(decide(cached));
        }
        // Signature checks are CPU work and a JWKS refresh is blocking I/O: off the event loop.
        return context.<AuthResult>executeBlocking(() -> {
            try {
                Identity identity = toIdentity(processor.process(token, null));
                verified.put(hash, identity);
                return decide(identity);
            } catch (BadJOSEException | ParseException e) {
                return new AuthResult.Rejected("JWT refused: " + e.getMessage());
            } catch (JOSEException e) {
                return new AuthResult.Unavailable("JWKS unavailable: " + e.getMessage());
            }
        }, false);
    }

    /** Loads the JWKS if needed; true when at least one key is known. Blocking: call from a worker. */
    public boolean jwksAvailable() {
        try {
            return !jwks.get(new JWKSelector(new JWKMatcher.Builder().build()), null).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    public Future<Boolean> checkJwks() {
        return vertx.executeBlocking(this::jwksAvailable, false);
    }

    /** Stops the JWKS refresh scheduler. */
    public void close() {
        if (jwks instanceof java.io.Closeable closeable) {
            try {
                closeable.close();
            } catch (java.io.IOException ignored) {
                // nothing left to release
            }
        }
    }

    /** Drops cached identities of a user (disabled or deleted); their tokens are also refused from now on. */
    public void evictSubject(String subject) {
        verified.asMap().values().removeIf(identity -> subject.equals(identity.subject()));
    }

    /** Ids of the API keys that cached, unexpired tokens were obtained with: the revocation re-check asks about them too. */
    public Set<String> keyIdsInUse() {
        Instant now = clock.instant();
        return verified.asMap().values().stream()
                .filter(identity -> identity.keyId() != null && identity.expiresAt().isAfter(now))
                .map(Identity::keyId)
                .collect(Collectors.toUnmodifiableSet());
    }

    private AuthResult decide(Identity identity) {
        if (identity.expiresAt().plus(clockSkew).isBefore(clock.instant())) {
            return new AuthResult.Rejected("JWT expired");
        }
        if (revoked.isRevoked(identity)) {
            return new AuthResult.Rejected("user or API key revoked after the token was issued");
        }
        return new AuthResult.Authenticated(identity);
    }

    private Identity toIdentity(JWTClaimsSet claims) throws ParseException, BadJWTException {
        String typ = claims.getStringClaim("typ");
        if (typ != null && !typ.equalsIgnoreCase("Bearer")) {
            throw new BadJWTException("not an access token (typ " + typ + ")");
        }
        String azp = claims.getStringClaim("azp");
        if (!authorizedParties.isEmpty() && (azp == null || !authorizedParties.contains(azp))) {
            throw new BadJWTException("authorized party not accepted");
        }
        if (requiredRole.isPresent() && !realmRoles(claims).contains(requiredRole.get())) {
            throw new BadJWTException("the realm role the inference API needs is missing");
        }
        String scope = claims.getStringClaim("scope");
        Set<String> scopes = scope == null ? Set.of()
                : Arrays.stream(scope.split(" ")).filter(s -> !s.isBlank()).collect(Collectors.toCollection(HashSet::new));
        String username = claims.getStringClaim("preferred_username");
        Instant issuedAt = claims.getIssueTime().toInstant();
        String keyId = claims.getStringClaim(KEY_ID_CLAIM);
        // A token bought with an API key is API use whichever client exchanged it.
        Identity.Channel channel = keyId == null && azp != null && webUiClients.contains(azp)
                ? Identity.Channel.UI : Identity.Channel.API;
        // A token bought with an API key counts for the key's project, as the key itself would.
        String project = claims.getClaim(KEY_PROJECT_CLAIM) instanceof String named ? named : null;
        return new Identity(Identity.Kind.JWT, claims.getSubject(), username != null ? username : claims.getSubject(),
                project, keyId, azp, scopes, issuedAt, claims.getExpirationTime().toInstant(), channel,
                DeliveredLimits.fromJson(claims.getClaim(LIMITS_CLAIM), project));
    }

    /** {@code realm_access.roles}; empty when absent or malformed. */
    private static List<String> realmRoles(JWTClaimsSet claims) throws ParseException {
        Map<String, Object> realmAccess = claims.getJSONObjectClaim("realm_access");
        Object roles = realmAccess == null ? null : realmAccess.get("roles");
        return roles instanceof List<?> list
                ? list.stream().filter(String.class::isInstance).map(String.class::cast).toList() : List.of();
    }
}
