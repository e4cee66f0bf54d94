package org.inferenceauth.keycloak.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/** The checks on a mint request that need no database: name, expiry, scopes. */
final class MintRules {

    static final int MAX_NAME_LENGTH = 64;
    static final int MAX_SCOPES = 32;
    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:._/@+-]{0,127}");

    private MintRules() {}

    /** The trimmed name, if it has 1–64 characters none of which is a control or formatting character. */
    static String name(String raw) {
        String name = raw == null ? "" : raw.strip();
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_NAME_LENGTH) {
            throw ApiKeyException.invalid("The name must have 1 to " + MAX_NAME_LENGTH + " characters.");
        }
        boolean printable = name.codePoints().allMatch(c -> {
            int type = Character.getType(c);
            return type != Character.CONTROL && type != Character.FORMAT && type != Character.UNASSIGNED
                    && type != Character.PRIVATE_USE && type != Character.SURROGATE
                    && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
        });
        if (!printable) {
            throw ApiKeyException.invalid("The name may contain printable characters only.");
        }
        return name;
    }

    /**
     * The effective expiry (epoch seconds, null = never): the requested one, or the realm's maximum
     * lifetime when none was requested. Refuses past times, lifetimes over the maximum and, when the
     * realm requires one, a missing expiry.
     */
    static Long expiry(Instant requested, Instant now, ApiKeySettings settings) {
        Instant max = settings.maxLifetimeDays() == 0 ? null : now.plus(Duration.ofDays(settings.maxLifetimeDays()));
        if (requested == null) {
            if (settings.expiryRequired()) {
                throw ApiKeyException.invalid("An expiry date is required.");
            }
            return max == null ? null : max.getEpochSecond();
        }
        if (!requested.isAfter(now)) {
            throw ApiKeyException.invalid("The expiry date must be in the future.");
        }
        if (max != null && requested.isAfter(max)) {
            throw ApiKeyException.invalid("Keys may live at most " + settings.maxLifetimeDays() + " days.");
        }
        return requested.getEpochSecond();
    }

    /** Distinct scopes in request order; each a short token such as {@code model:llama-3.1-8b}. */
    static List<String> scopes(List<String> raw) {
        if (raw == null) {
            return List.of();
        }
        LinkedHashSet<String> scopes = new LinkedHashSet<>();
        for (String scope : raw) {
            if (scope == null || !SCOPE.matcher(scope).matches()) {
                throw ApiKeyException.invalid("Scopes are 1-128 characters: letters, digits and :._/@+-");
            }
            scopes.add(scope);
        }
        if (scopes.size() > MAX_SCOPES) {
            throw ApiKeyException.invalid("At most " + MAX_SCOPES + " scopes.");
        }
        return List.copyOf(scopes);
    }
}
