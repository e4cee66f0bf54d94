package org.inferenceauth.gateway.auth;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the caller's credential in the request headers, where the various OpenAI-compatible SDKs
 * put it: {@code Authorization: Bearer} (OpenAI), {@code x-api-key} (Anthropic style),
 * {@code api-key} (Azure OpenAI) and {@code apikey} (some gateways). The same credential may come in
 * several of them; different ones are refused, since an upstream or a proxy could pick another.
 * When service credentials are enabled, a service account's client id and secret also count: in
 * {@code Authorization: Basic} (RFC 7617, as {@code curl -u id:secret} sends them) or in the
 * {@code X-Client-Id} + {@code X-Client-Secret} pair; with any other credential they are ambiguous.
 */
public final class CredentialExtractor {

    /** Headers that may carry a credential; all of them are removed before proxying. */
    public static final List<String> CREDENTIAL_HEADERS = List.of("authorization", "x-api-key", "api-key", "apikey",
            ServiceCredential.CLIENT_ID_HEADER, ServiceCredential.CLIENT_SECRET_HEADER);

    /** The headers that carry a key or token (the rest of {@link #CREDENTIAL_HEADERS} carry service credentials). */
    private static final int TOKEN_HEADERS = 4;

    private static final String BEARER = "bearer ";

    private CredentialExtractor() {}

    /** What a request's headers hold: no credential, exactly one (perhaps repeated), or several different ones. */
    public sealed interface Found {
        record None() implements Found {}

        record One(String credential) implements Found {}

        /** Different credentials in one request: which one counts would be a guess, so none does. */
        record Ambiguous() implements Found {}

        /** A service account's client id and secret (only when service credentials are enabled). */
        record Service(ServiceCredential credential) implements Found {}

        /** Service credentials that cannot be read: a Basic value that is no {@code id:secret}, or half of the header pair. */
        record Malformed() implements Found {}
    }

    /** Keys and tokens only: Basic and the client-id headers are not credentials. */
    public static Found find(MultiMap headers) {
        return find(headers, false);
    }

    public static Found find(MultiMap headers, boolean serviceCredentials) {
        Found token = tokens(headers);
        if (!serviceCredentials || token instanceof Found.Ambiguous) {
            return token;
        }
        Found service = ServiceCredential.find(headers);
        if (service instanceof Found.None) {
            return token;
        }
        return token instanceof Found.None ? service : new Found.Ambiguous();
    }

    private static Found tokens(MultiMap headers) {
        // One pass, no collections: this runs on every request.
        String found = null;
        for (Map.Entry<String, String> header : headers) {
            String candidate = credentialIn(header.getKey(), header.getValue());
            if (candidate == null) {
                continue;
            }
            if (found == null) {
                found = candidate;
            } else if (!found.equals(candidate)) {
                return new Found.Ambiguous();
            }
        }
        return found == null ? new Found.None() : new Found.One(found);
    }

    private static String credentialIn(String name, String value) {
        if (name.equalsIgnoreCase("authorization")) {
            String trimmed = value.trim();
            // Another scheme (Basic, …) is not ours: the API-key headers may still carry one.
            return trimmed.length() > BEARER.length() && trimmed.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? nonBlank(trimmed.substring(BEARER.length())).orElse(null) : null;
        }
        for (int i = 1; i < TOKEN_HEADERS; i++) {
            if (name.equalsIgnoreCase(CREDENTIAL_HEADERS.get(i))) {
                return nonBlank(value).orElse(null);
            }
        }
        return null;
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
