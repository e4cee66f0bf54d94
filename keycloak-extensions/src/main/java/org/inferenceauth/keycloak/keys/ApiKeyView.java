package org.inferenceauth.keycloak.keys;

import java.time.Instant;
import java.util.List;
import org.inferenceauth.keycloak.limits.LimitSet;
import org.inferenceauth.keycloak.usage.KeyUsage;

/**
 * What owners and admins may see of a key: everything but the secret. {@code lastUsedAt} and
 * {@code usage30d} come from the gateways' usage batches; {@code limits} are the owner's caps on the key.
 */
public record ApiKeyView(String keyId, String credentialId, String name, String project, List<String> scopes,
                         Instant createdAt, Instant expiresAt, Instant lastUsedAt, KeyUsage usage30d,
                         LimitSet limits) {}
