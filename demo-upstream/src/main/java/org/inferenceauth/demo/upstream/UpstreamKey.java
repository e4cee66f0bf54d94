package org.inferenceauth.demo.upstream;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * DEMO ONLY. vLLM's {@code --api-key} check (its AuthenticationMiddleware): every path under
 * {@code /v1} needs {@code Authorization: Bearer <key>}, compared as SHA-256 digests in constant
 * time; everything else ({@code /health}, {@code /metrics}, {@code /tokenize}) stays open, and
 * OPTIONS is never checked.
 */
final class UpstreamKey {

    /** vLLM's exact refusal body (status 401). */
    static final String UNAUTHORIZED = "{\"error\":\"Unauthorized\"}";

    private final byte[] digest;

    UpstreamKey(String key) {
        this.digest = sha256(key);
    }

    boolean admits(HttpServerRequest request) {
        if (request.method() == HttpMethod.OPTIONS || !request.path().startsWith("/v1")) {
            return true;
        }
        String header = request.getHeader("authorization");
        int space = header == null ? -1 : header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).equalsIgnoreCase("bearer")) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(header.substring(space + 1)));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
