package org.inferenceauth.keycloak.realm;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;

/**
 * Reads our per-realm settings from realm attributes: an absent value falls back to its default;
 * one that does not parse does too, with a warning naming the attribute (the settings are no secrets).
 */
public final class RealmAttributes {

    private static final Logger LOG = Logger.getLogger(RealmAttributes.class);

    private RealmAttributes() {}

    /** {@code parse} returns null (or throws) for an invalid value. */
    public static <T> T read(RealmModel realm, String attribute, T fallback, Function<String, T> parse) {
        String raw = realm.getAttribute(attribute);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        T value;
        try {
            value = parse.apply(raw.trim());
        } catch (RuntimeException e) {
            value = null;
        }
        if (value == null) {
            LOG.warnf("Realm %s: ignoring invalid %s, using %s", realm.getName(), attribute, fallback);
            return fallback;
        }
        return value;
    }

    /** A comma-separated list without blanks; null (invalid) when empty. */
    public static List<String> list(String value) {
        List<String> items = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return items.isEmpty() ? null : items;
    }

    /** {@code value} if at least {@code min}; null (invalid) otherwise. */
    public static Integer atLeast(int min, int value) {
        return value >= min ? value : null;
    }
}
