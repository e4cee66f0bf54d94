package org.inferenceauth.keycloak.keys;

import java.time.Instant;
import java.util.List;

/**
 * What a caller asks for; {@link ApiKeyService#mint} checks every field.
 *
 * @param name      1–64 printable characters, unique per user (case-insensitive)
 * @param project   {@code personal} (also when null) or a project group's name
 * @param expiresAt {@code null}: the realm's maximum lifetime, or never if that is unlimited
 * @param scopes    may be null
 * @param createdBy client id the request came through, recorded on the key
 */
public record MintRequest(String name, String project, Instant expiresAt, List<String> scopes, String createdBy) {}
