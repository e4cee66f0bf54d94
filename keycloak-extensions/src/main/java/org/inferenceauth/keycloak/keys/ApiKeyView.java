package org.inferenceauth.keycloak.keys;

import java.time.Instant;
import java.util.List;

/** What owners and admins may see of a key: everything but the secret. */
public record ApiKeyView(String keyId, String credentialId, String name, String project, List<String> scopes,
                         Instant createdAt, Instant expiresAt, Instant lastUsedAt) {}
