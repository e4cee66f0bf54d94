package org.inferenceauth.keycloak.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.inferenceauth.keycloak.credential.ApiKeySecretData;

/**
 * Digests keys for storage and compares them in constant time.
 *
 * <p>Why plain SHA-256 and not bcrypt/argon2 or HMAC: slow, salted hashes exist to make guessing
 * low-entropy passwords expensive. Our secrets carry ~190 random bits, so no dictionary or brute
 * force applies and a salt adds nothing; a fast digest keeps every cache miss of the gateway cheap.
 * An HMAC would need a server-side key that must itself be stored, rotated and shared by every
 * node, and would add protection only if the key were guessable, which it is not. The digest
 * covers the whole key string (prefix, id, secret, checksum), binding it to its key id.
 */
public final class ApiKeyHasher {

    public static final String ALGORITHM = "SHA-256";

    private ApiKeyHasher() {}

    public static ApiKeySecretData digest(String key) {
        return new ApiKeySecretData(ALGORITHM, Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(key)));
    }

    /** Whether {@code key} has the stored digest; the comparison takes the same time wherever they differ. */
    public static boolean matches(String key, ApiKeySecretData stored) {
        if (stored == null || !ALGORITHM.equals(stored.algorithm()) || stored.hash() == null) {
            return false;
        }
        byte[] expected;
        try {
            expected = Base64.getUrlDecoder().decode(stored.hash());
        } catch (IllegalArgumentException corrupt) {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(key));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance(ALGORITHM).digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
