package org.inferenceauth.gateway.auth.cache;

import java.nio.ByteBuffer;

/**
 * The API-key cache's key: a credential's SHA-256 ({@link KeyHash#digest}) as four longs. 48 bytes
 * per key, where its hex String took 104, and the negative cache and the in-flight loads use the
 * same. The full 256 bits are kept: a shorter prefix would make a forged key that collides with a
 * cached one cheaper to find.
 */
public record KeyDigest(long w0, long w1, long w2, long w3) {

    public static KeyDigest of(String credential) {
        ByteBuffer digest = ByteBuffer.wrap(KeyHash.digest(credential));
        return new KeyDigest(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
    }

    /** A SHA-256 output is uniform: one word is as good a hash code as mixing all four. */
    @Override
    public int hashCode() {
        return Long.hashCode(w0);
    }

    /** Never the digest itself, in case a key ends up in a log. */
    @Override
    public String toString() {
        return "KeyDigest[...]";
    }
}
