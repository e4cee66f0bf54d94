package org.inferenceauth.keycloak.keys;

import java.time.Instant;
import java.util.List;
import org.inferenceauth.keycloak.limits.LimitSet;

/**
 * What a caller asks for; {@link ApiKeyService#mint} checks every field.
 *
 * @param name      1–64 printable characters, unique per user (case-insensitive)
 * @param project   {@code personal} (also when null) or a project group's name
 * @param expiresAt {@code null}: the realm's maximum lifetime, or never if that is unlimited
 * @param scopes    may be null
 * @param createdBy client id the request came through, recorded on the key
 * @param limits    the owner's caps on the key (numbers only; {@code null} = none); they only add limits
 */
public record MintRequest(String name, String project, Instant expiresAt, List<String> scopes, String createdBy,
                          LimitSet limits) {

    public MintRequest {
        limits = limits == null ? LimitSet.EMPTY : limits;
        if (!limits.unlimited().isEmpty()) {
            throw new IllegalArgumentException("a key's caps are numbers; 'unlimited' could not lower anything");
        }
    }

    /** A request without caps. */
    public MintRequest(String name, String project, Instant expiresAt, List<String> scopes, String createdBy) {
        this(name, project, expiresAt, scopes, createdBy, LimitSet.EMPTY);
    }
}
