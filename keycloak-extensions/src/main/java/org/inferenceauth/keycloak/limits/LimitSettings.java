package org.inferenceauth.keycloak.limits;

import java.util.Locale;
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
 * @param clientScope     whether the realm gets the default client scope {@code inference-limits} that puts the
 *                        claim {@code inference_limits} into access tokens ({@code inference.limits.clientScope}, false)
 */
public record LimitSettings(String tiersGroup, LimitSet userDefaults, LimitSet projectDefaults, boolean clientScope) {

    public static final String PREFIX = "inference.limits.";
    public static final String USER_DEFAULT_PREFIX = PREFIX + "user.";
    public static final String PROJECT_DEFAULT_PREFIX = PREFIX + "project.";

    public static LimitSettings of(RealmModel realm) {
        return new LimitSettings(
                RealmAttributes.read(realm, PREFIX + "tiersGroup", "/tiers", v -> v.startsWith("/") ? v : null),
                defaults(realm, USER_DEFAULT_PREFIX),
                defaults(realm, PROJECT_DEFAULT_PREFIX),
                RealmAttributes.read(realm, PREFIX + "clientScope", false, LimitSettings::parseBoolean));
    }

    private static Boolean parseBoolean(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> null;
        };
    }

    private static LimitSet defaults(RealmModel realm, String prefix) {
        return LimitSet.fromAttributes(prefix, realm::getAttribute,
                (attribute, value) -> LimitWarnings.once("realm " + realm.getName(), attribute, value));
    }
}
