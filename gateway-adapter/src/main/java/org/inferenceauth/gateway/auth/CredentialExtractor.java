package org.inferenceauth.gateway.auth;

import io.vertx.core.MultiMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the caller's credential in the request headers, where the various OpenAI-compatible SDKs
 * put it: {@code Authorization: Bearer} (OpenAI), {@code x-api-key} (Anthropic style),
 * {@code api-key} (Azure OpenAI) and {@code apikey} (some gateways). The same credential may come in
 * several of them; different ones are refused, since an upstream or a proxy could pick another.
 */
public final class CredentialExtractor {

    /** Headers that may carry a credential; all of them are removed before proxying. */
    public static final List<String> CREDENTIAL_HEADERS = List.of("authorization", "x-api-key", "api-key", "apikey");

    private static final String BEARER = "bearer ";

    private CredentialExtractor() {}

    /** What a request's headers hold: no credential, exactly one (perhaps repeated), or several different ones. */
    public sealed interface Found {
        record None() implements Found {}

        record One(String credential) implements Found {}

        /** Different credentials in one request: which one counts would be a guess, so none does. */
        record Ambiguous() implements Found {}
    }

    public static Found find(MultiMap headers) {
        Set<String> credentials = new LinkedHashSet<>();
        for (String authorization : headers.getAll("authorization")) {
            String value = authorization.trim();
            if (value.length() > BEARER.length() && value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                nonBlank(value.substring(BEARER.length())).ifPresent(credentials::add);
            }
            // Another scheme (Basic, …) is not ours: the API-key headers may still carry one.
        }
        for (String name : CREDENTIAL_HEADERS.subList(1, CREDENTIAL_HEADERS.size())) {
            headers.getAll(name).forEach(value -> nonBlank(value).ifPresent(credentials::add));
        }
        return switch (credentials.size()) {
            case 0 -> new Found.None();
            case 1 -> new Found.One(credentials.iterator().next());
            default -> new Found.Ambiguous();
        };
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
