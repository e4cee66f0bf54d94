package org.inferenceauth.keycloak.usage;

import java.util.List;
import org.inferenceauth.keycloak.realm.RealmAttributes;
import org.keycloak.models.RealmModel;

/**
 * Per-realm settings of usage accounting, realm attributes prefixed {@value #PREFIX}; the only place
 * that reads them.
 *
 * @param webUiClients  clients whose {@code LOGIN} events count as web-UI logins
 *                      ({@code inference.usage.webUiClients}, {@code open-webui})
 * @param retentionDays days of usage kept, today included ({@code inference.usage.retentionDays}, 400)
 */
public record UsageSettings(List<String> webUiClients, int retentionDays) {

    public static final String PREFIX = "inference.usage.";

    public static UsageSettings of(RealmModel realm) {
        return new UsageSettings(
                RealmAttributes.read(realm, PREFIX + "webUiClients", List.of("open-webui"), RealmAttributes::list),
                RealmAttributes.read(realm, PREFIX + "retentionDays", 400,
                        v -> RealmAttributes.atLeast(1, Integer.parseInt(v))));
    }
}
