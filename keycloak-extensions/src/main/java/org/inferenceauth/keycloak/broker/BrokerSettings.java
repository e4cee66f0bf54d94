package org.inferenceauth.keycloak.broker;

import java.util.Arrays;
import java.util.List;
import org.keycloak.models.RealmModel;

/**
 * Per-realm settings of brokered logins (CILogon, ACCESS, IU), read from realm attributes prefixed
 * {@value #PREFIX}. The only place that reads them. Empty or absent means "no restriction".
 *
 * @param allowedIdps         institutions (CILogon {@code idp} entity IDs) whose people may log in
 *                            ({@code inference.broker.allowedIdps}, comma-separated, exact match)
 * @param allowedAffiliations affiliations of which a person needs at least one
 *                            ({@code inference.broker.allowedAffiliations}, comma-separated; {@code staff}
 *                            matches {@code staff@<any scope>}, {@code staff@iu.edu} only that scope)
 */
public record BrokerSettings(List<String> allowedIdps, List<String> allowedAffiliations) {

    public static final String PREFIX = "inference.broker.";
    public static final String ALLOWED_IDPS = PREFIX + "allowedIdps";
    public static final String ALLOWED_AFFILIATIONS = PREFIX + "allowedAffiliations";

    public BrokerSettings {
        allowedIdps = List.copyOf(allowedIdps);
        allowedAffiliations = List.copyOf(allowedAffiliations);
    }

    public static BrokerSettings of(RealmModel realm) {
        return new BrokerSettings(list(realm.getAttribute(ALLOWED_IDPS)), list(realm.getAttribute(ALLOWED_AFFILIATIONS)));
    }

    private static List<String> list(String value) {
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
