package org.inferenceauth.keycloak.keys;

import java.util.List;
import org.inferenceauth.keycloak.limits.LimitSet;
import org.keycloak.models.UserModel;

/**
 * A key that is valid right now, with its owner. Times are epoch seconds; {@code expiresAt} may be
 * null. {@code limits} are the owner's caps on the key ({@link LimitSet#EMPTY} for none).
 */
public record ValidatedKey(UserModel user, String keyId, String name, String project, List<String> scopes,
                           long issuedAt, Long expiresAt, String createdBy, LimitSet limits) {}
