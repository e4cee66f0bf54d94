package org.inferenceauth.keycloak.broker;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Whether a person from an institution may log in, by the realm's {@link BrokerSettings}: the
 * CILogon {@code idp} claim must be allowed (when a list is set) and at least one of the person's
 * affiliations must be allowed (when a list is set).
 */
public final class InstitutionPolicy {

    private final BrokerSettings settings;

    public InstitutionPolicy(BrokerSettings settings) {
        this.settings = settings;
    }

    /**
     * @param idp         the {@code idp} claim (entity ID), or {@code null}
     * @param affiliation the {@code affiliation} claim: CILogon's {@code ;}-joined string, a list, or {@code null}
     */
    public boolean admits(String idp, Object affiliation) {
        return idpAllowed(idp) && affiliationAllowed(affiliations(affiliation));
    }

    private boolean idpAllowed(String idp) {
        return settings.allowedIdps().isEmpty() || idp != null && settings.allowedIdps().contains(idp.trim());
    }

    private boolean affiliationAllowed(List<String> held) {
        if (settings.allowedAffiliations().isEmpty()) {
            return true;
        }
        return settings.allowedAffiliations().stream()
                .map(a -> a.toLowerCase(Locale.ROOT))
                .anyMatch(allowed -> held.stream().anyMatch(h -> matches(allowed, h)));
    }

    /** {@code staff} matches {@code staff@iu.edu}; {@code staff@iu.edu} matches only itself. */
    private static boolean matches(String allowed, String held) {
        if (allowed.contains("@")) {
            return allowed.equals(held);
        }
        int at = held.indexOf('@');
        return allowed.equals(at < 0 ? held : held.substring(0, at));
    }

    /** The scoped affiliations in a claim, lower-cased: CILogon sends {@code a@x;b@x}, other providers a list. */
    static List<String> affiliations(Object claim) {
        Collection<?> values = claim instanceof Collection<?> c ? c : claim == null ? List.of() : List.of(claim);
        return values.stream().filter(Objects::nonNull)
                .flatMap(v -> Arrays.stream(v.toString().split("[;,]")))
                .map(v -> v.trim().toLowerCase(Locale.ROOT))
                .filter(v -> !v.isEmpty())
                .toList();
    }
}
