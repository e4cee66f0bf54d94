package org.inferenceauth.gateway.auth;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Optional;

/**
 * Finds the caller's credential in the request headers, where the various OpenAI-compatible SDKs
 * put it: {@code Authorization: Bearer} (OpenAI), {@code x-api-key} (Anthropic style),
 * {@code api-key} (Azure OpenAI) and {@code apikey} (some gateways). The first one present wins.
 */
public final class CredentialExtractor {

    /** Headers that may carry a credential; all of them are removed before proxying. */
    public static final List<String> CREDENTIAL_HEADERS = List.of("authorization", "x-api-key", "api-key", "apikey");

    private static final String BEARER = "bearer ";

    private CredentialExtractor() {}

    public static Optional<String> extract(MultiMap headers) {
        String authorization = headers.get("authorization");
        if (authorization != null) {
            String value = authorization.trim();
            if (value.length() > BEARER.length() && value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                return nonBlank(value.substring(BEARER.length()));
            }
            // Another scheme (Basic, …) is not ours: fall through to the API-key headers.
        }
        for (String name : CREDENTIAL_HEADERS.subList(1, CREDENTIAL_HEADERS.size())) {
            Optional<String> value = nonBlank(headers.get(name));
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    /** Keycloak access tokens are JWS compact serialisations: three base64url parts. */
    public static boolean looksLikeJwt(String credential) {
        int first = credential.indexOf('.');
        int second = first < 0 ? -1 : credential.indexOf('.', first + 1);
        return first > 0 && second > first + 1 && credential.indexOf('.', second + 1) < 0
                && second < credential.length() - 1;
    }

    private static Optional<String> nonBlank(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String trimmed = value.trim();
        return trimmed.isEmpty() ? Optional.empty() : Optional.of(trimmed);
    }
}
