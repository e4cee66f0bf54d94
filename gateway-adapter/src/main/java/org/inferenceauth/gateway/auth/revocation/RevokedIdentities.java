package org.inferenceauth.gateway.auth.revocation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.inferenceauth.gateway.auth.Identity;

/**
 * Users Keycloak reported disabled or deleted, and API keys it reported revoked or inactive, with
 * when the gateway learnt it. A JWT is self-contained and stays valid until it expires, so this is
 * what stops already-issued access tokens: a token of such a user, or one that names such a key
 * (a token obtained with the key), issued before the report is refused. A token issued after it
 * passed Keycloak's own checks again (a re-enabled user, a key whose owner got the role back);
 * "after" allows for the clock skew between Keycloak, which sets {@code iat}, and this gateway.
 * Entries outlive the longest access-token lifetime ({@code retention}) and then go.
 */
public final class RevokedIdentities {

    private final Cache<String, Instant> revokedAt;
    private final Duration clockSkew;
    private final Clock clock;

    public RevokedIdentities(Duration retention, Duration clockSkew, Clock clock) {
        this.revokedAt = Caffeine.newBuilder().executor(Runnable::run).expireAfterWrite(retention).maximumSize(1_000_000).build();
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    public void revokeSubject(String subject) {
        revokedAt.put("sub:" + subject, clock.instant());
    }

    public void revokeKey(String keyId) {
        revokedAt.put("key:" + keyId, clock.instant());
    }

    /** Whether this credential was issued before its user, or the key it names, was reported revoked. */
    public boolean isRevoked(Identity identity) {
        return issuedBefore(identity, "sub:" + identity.subject())
                || (identity.keyId() != null && issuedBefore(identity, "key:" + identity.keyId()));
    }

    private boolean issuedBefore(Identity identity, String entry) {
        Instant at = revokedAt.getIfPresent(entry);
        return at != null && (identity.issuedAt() == null || !identity.issuedAt().isAfter(at.plus(clockSkew)));
    }
}
