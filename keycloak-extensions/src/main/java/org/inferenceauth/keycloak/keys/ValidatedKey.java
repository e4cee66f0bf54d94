package org.inferenceauth.keycloak.keys;

import java.util.List;
import org.keycloak.models.UserModel;

/** A key that is valid right now, with its owner. Times are epoch seconds; {@code expiresAt} may be null. */
public record ValidatedKey(UserModel user, String keyId, String name, String project, List<String> scopes,
                           long issuedAt, Long expiresAt, String createdBy) {}
