package org.inferenceauth.keycloak.keys;

import java.util.Locale;

/** Whether a stored key may be used now and, if not, why; decided by {@link KeyValidity} alone. */
public enum KeyStatus {
    ACTIVE,
    EXPIRED,
    OWNER_DISABLED,
    /** Keys belong to people; a service account holding one (e.g. through an import) may not use it. */
    OWNER_IS_SERVICE_ACCOUNT,
    /** The owner lacks the realm's required role ({@code inference.apikey.requiredRole}). */
    OWNER_LACKS_ROLE,
    /** The owner is no longer a member of the key's project group. */
    OWNER_LEFT_PROJECT;

    public boolean isActive() {
        return this == ACTIVE;
    }

    /** As the admin API shows it, e.g. {@code owner_lacks_role}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
