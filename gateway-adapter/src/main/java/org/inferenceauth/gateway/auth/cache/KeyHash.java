package org.inferenceauth.gateway.auth.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The cache's key for a credential: its SHA-256, so no cache, dump or log holds the secret itself. */
public final class KeyHash {

    /**
     * One digest per thread, reset by each use. Why: in a profile of the gateway under load, looking
     * SHA-256 up in the security providers on every request was nearly all of this class's time.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    });

    private KeyHash() {}

    public static String of(String credential) {
        return HexFormat.of().formatHex(digest(credential));
    }

    /** The SHA-256 of the text's UTF-8 bytes. */
    public static byte[] digest(String text) {
        return SHA_256.get().digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
