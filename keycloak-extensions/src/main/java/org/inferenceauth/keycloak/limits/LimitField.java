package org.inferenceauth.keycloak.limits;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The fields of a limit set (see docs). {@link #key()} is the snake_case name used everywhere: in JSON
 * (introspection, token claim, mint request) and after the attribute prefixes ({@code limits.},
 * {@code inference.limits.user.}, {@code inference.limits.project.}).
 */
public enum LimitField {
    REQUESTS_PER_MINUTE,
    REQUESTS_PER_HOUR,
    REQUESTS_PER_DAY,
    REQUESTS_PER_MONTH,
    TOKENS_PER_MINUTE,
    TOKENS_PER_DAY,
    TOKENS_PER_MONTH,
    CONCURRENT_REQUESTS_PER_MODEL,
    MAX_TOKENS_PER_REQUEST,
    MAX_N_PER_REQUEST;

    private final String key = name().toLowerCase(Locale.ROOT);

    /** e.g. {@code requests_per_minute}. */
    public String key() {
        return key;
    }

    public static Optional<LimitField> byKey(String key) {
        return Arrays.stream(values()).filter(field -> field.key.equals(key)).findFirst();
    }
}
