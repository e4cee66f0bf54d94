package org.inferenceauth.keycloak.limits;

import org.inferenceauth.keycloak.realm.RealmAttributes;
import org.keycloak.models.RealmModel;

/**
 * Per-realm settings of fair-use limits, realm attributes prefixed {@value #PREFIX}; the only place
 * that reads them. A value that does not parse is ignored, with one warning.
 *
 * @param tiersGroup      path of the group whose sub-groups are tiers ({@code inference.limits.tiersGroup}, /tiers)
 * @param userDefaults    a person's limits when neither the user nor a tier sets a field
 *                        ({@code inference.limits.user.<field>}, none)
 * @param projectDefaults a project's limits when neither the project nor its tier sets a field
 *                        ({@code inference.limits.project.<field>}, none)
 */
public record LimitSettings(String tiersGroup, LimitSet userDefaults, LimitSet projectDefaults) {

    public static final String PREFIX = "inference.limits.";
    public static final String USER_DEFAULT_PREFIX = PREFIX + "user.";
    public static final String PROJECT_DEFAULT_PREFIX = PREFIX + "project.";

    public static LimitSettings of(RealmModel realm) {
        return new LimitSettings(
                RealmAttributes.read(realm, PREFIX + "tiersGroup", "/tiers", v -> v.startsWith("/") ? v : null),
                defaults(realm, USER_DEFAULT_PREFIX),
                defaults(realm, PROJECT_DEFAULT_PREFIX));
    }

    private static LimitSet defaults(RealmModel realm, String prefix) {
        return LimitSet.fromAttributes(prefix, realm::getAttribute,
                (attribute, value) -> LimitWarnings.once("realm " + realm.getName(), attribute, value));
    }
}
