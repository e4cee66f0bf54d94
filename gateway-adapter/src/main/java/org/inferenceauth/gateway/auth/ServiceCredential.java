package org.inferenceauth.gateway.auth;

import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.inferenceauth.gateway.auth.cache.KeyHash;

/**
 * A Keycloak service account's client id and secret, presented by a script that cannot do OAuth.
 * {@link #toString()} never shows the secret; {@link #hash()} is what caches key it by.
 *
 * @param basic whether it came as HTTP Basic (a refusal then answers with a Basic challenge)
 */
public record ServiceCredential(String clientId, String secret, boolean basic) {

    /** The two-header form, as Cloudflare's {@code CF-Access-Client-Id}/{@code -Secret}. */
    public static final String CLIENT_ID_HEADER = "x-client-id";
    public static final String CLIENT_SECRET_HEADER = "x-client-secret";

    private static final String BASIC = "basic ";

    /** SHA-256 of id and secret, length-prefixed so no two pairs share an input. */
    public String hash() {
        return KeyHash.of(clientId.length() + ":" + clientId + ":" + secret);
    }

    @Override
    public String toString() {
        return "ServiceCredential[clientId=" + clientId + "]";
    }

    /** The service credentials in these headers: none, one (perhaps repeated), several different, or unreadable. */
    static CredentialExtractor.Found find(MultiMap headers) {
        ServiceCredential found = null;
        for (Map.Entry<String, String> header : headers) {
            if (!header.getKey().equalsIgnoreCase("authorization")) {
                continue;
            }
            String value = header.getValue().trim();
            if (value.length() <= BASIC.length() || !value.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
                continue;
            }
            ServiceCredential candidate = fromBasic(value.substring(BASIC.length()).trim());
            if (candidate == null) {
                return new CredentialExtractor.Found.Malformed();
            }
            if (found != null && !found.sameAs(candidate)) {
                return new CredentialExtractor.Found.Ambiguous();
            }
            found = candidate;
        }
        ServiceCredential pair;
        try {
            pair = fromHeaders(headers);
        } catch (IllegalArgumentException e) {
            return new CredentialExtractor.Found.Malformed();
        }
        if (pair != null) {
            if (found != null && !found.sameAs(pair)) {
                return new CredentialExtractor.Found.Ambiguous();
            }
            found = found == null ? pair : found;
        }
        return found == null ? new CredentialExtractor.Found.None() : new CredentialExtractor.Found.Service(found);
    }

    private boolean sameAs(ServiceCredential other) {
        return clientId.equals(other.clientId) && secret.equals(other.secret);
    }

    /** RFC 7617: base64 of {@code id:secret}, split at the first colon; null when it is not that. */
    private static ServiceCredential fromBasic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || colon == decoded.length() - 1) {
            return null;
        }
        return new ServiceCredential(decoded.substring(0, colon), decoded.substring(colon + 1), true);
    }

    /** Both headers, each once (repeats must agree); IllegalArgumentException for half a pair or disagreeing repeats. */
    private static ServiceCredential fromHeaders(MultiMap headers) {
        String id = single(headers, CLIENT_ID_HEADER);
        String secret = single(headers, CLIENT_SECRET_HEADER);
        if (id == null && secret == null) {
            return null;
        }
        if (id == null || secret == null) {
            throw new IllegalArgumentException("half a pair");
        }
        return new ServiceCredential(id, secret, false);
    }

    private static String single(MultiMap headers, String name) {
        String found = null;
        for (String value : headers.getAll(name)) {
            String trimmed = value.trim();
            if (trimmed.isEmpty() || (found != null && !found.equals(trimmed))) {
                throw new IllegalArgumentException(name);
            }
            found = trimmed;
        }
        return found;
    }
}
