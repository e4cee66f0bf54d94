package org.inferenceauth.gateway.auth.apikey;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The key's shape, {@code <prefix>_<50 base62 chars>} (12 key id + 32 secret + 6 checksum), and
 * optionally an allowed prefix. Stand-in until {@code ApiKeyFormat} (which also verifies the
 * CRC32 checksum) is available to the gateway.
 */
public final class ApiKeyShapePrecheck implements ApiKeyPrecheck {

    private static final Pattern SHAPE = Pattern.compile("([A-Za-z0-9]{1,16})_[0-9A-Za-z]{50}");

    private final Set<String> allowedPrefixes;

    /** @param allowedPrefixes accepted prefixes; empty accepts any */
    public ApiKeyShapePrecheck(Set<String> allowedPrefixes) {
        this.allowedPrefixes = Set.copyOf(allowedPrefixes);
    }

    @Override
    public boolean plausible(String credential) {
        var m = SHAPE.matcher(credential);
        return m.matches() && (allowedPrefixes.isEmpty() || allowedPrefixes.contains(m.group(1)));
    }
}
