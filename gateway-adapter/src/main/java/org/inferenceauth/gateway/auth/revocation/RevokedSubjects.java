package org.inferenceauth.gateway.auth.revocation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.inferenceauth.gateway.auth.Identity;

/**
 * Users Keycloak reported disabled or deleted, with when the gateway learnt it. A JWT is
 * self-contained and stays valid until it expires, so this is what stops a disabled user's
 * already-issued access tokens: any token issued before the report is refused. Entries outlive
 * the longest access-token lifetime ({@code retention}) and then go.
 */
public final class RevokedSubjects {

    private final Cache<String, Instant> revokedAt;
    private final Clock clock;

    public RevokedSubjects(Duration retention, Clock clock) {
        this.revokedAt = Caffeine.newBuilder().expireAfterWrite(retention).maximumSize(1_000_000).build();
        this.clock = clock;
    }

    public void revoke(String subject) {
        revokedAt.put(subject, clock.instant());
    }

    /** Whether this credential was issued before its user was disabled or deleted. */
    public boolean isRevoked(Identity identity) {
        Instant at = revokedAt.getIfPresent(identity.subject());
        return at != null && (identity.issuedAt() == null || !identity.issuedAt().isAfter(at));
    }
}
