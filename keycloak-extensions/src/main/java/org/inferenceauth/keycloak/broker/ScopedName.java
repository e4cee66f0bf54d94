package org.inferenceauth.keycloak.broker;

import java.util.Locale;
import java.util.Optional;

/** The local part of a scoped identifier: {@code jdoe} of {@code jdoe@access-ci.org} in scope {@code access-ci.org}. */
final class ScopedName {

    private ScopedName() {}

    static Optional<String> localPart(String scoped, String scope) {
        if (scoped == null || scope == null || scope.isBlank()) {
            return Optional.empty();
        }
        String value = scoped.trim();
        String suffix = "@" + scope.trim().toLowerCase(Locale.ROOT);
        if (value.length() <= suffix.length() || !value.toLowerCase(Locale.ROOT).endsWith(suffix)) {
            return Optional.empty();
        }
        String local = value.substring(0, value.length() - suffix.length());
        return local.contains("@") ? Optional.empty() : Optional.of(local);
    }
}
