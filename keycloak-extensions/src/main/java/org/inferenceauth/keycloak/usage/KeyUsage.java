package org.inferenceauth.keycloak.usage;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.inferenceauth.keycloak.model.jpa.UsageStore;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** A key's requests and tokens over the last {@value #DAYS} days (today included), as key listings show them. */
public record KeyUsage(long requests, long promptTokens, long completionTokens) {

    public static final int DAYS = 30;
    public static final KeyUsage NONE = new KeyUsage(0, 0, 0);

    /** The usage of each of these keys; keys without any are absent from the map. */
    public static Map<String, KeyUsage> lastDays(KeycloakSession session, RealmModel realm, Collection<String> keyIds) {
        long from = UsageDays.today().toEpochDay() - DAYS + 1;
        Map<String, KeyUsage> usage = new HashMap<>();
        for (Object[] row : new UsageStore(session).keysSince(realm.getId(), keyIds, from)) {
            usage.put((String) row[0], new KeyUsage(number(row[1]), number(row[2]), number(row[3])));
        }
        return usage;
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
