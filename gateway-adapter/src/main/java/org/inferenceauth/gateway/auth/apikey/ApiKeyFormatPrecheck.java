package org.inferenceauth.gateway.auth.apikey;

import java.util.List;
import java.util.Set;
import org.inferenceauth.apikey.format.ApiKeyFormat;

/** Prefix, length, alphabet and CRC32 checksum, as {@link ApiKeyFormat} defines them (the realm mints with the same class). */
public final class ApiKeyFormatPrecheck implements ApiKeyPrecheck {

    private final List<ApiKeyFormat> formats;

    /** @param prefixes the realm's key prefixes (normally just one, {@code ik}) */
    public ApiKeyFormatPrecheck(Set<String> prefixes) {
        this.formats = prefixes.stream().sorted().map(ApiKeyFormat::withPrefix).toList();
    }

    @Override
    public boolean plausible(String credential) {
        for (ApiKeyFormat format : formats) {
            if (format.check(credential) == ApiKeyFormat.Problem.NONE) {
                return true;
            }
        }
        return false;
    }
}
