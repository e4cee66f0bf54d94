package org.inferenceauth.apikey.format;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The one owner of the project API key format: {@code <prefix>_<keyId><secret><checksum>}.
 *
 * <ul>
 *   <li>prefix: 2–10 lowercase letters or digits, starting with a letter, configurable per realm
 *       (default {@value #DEFAULT_PREFIX}); lets secret scanners and people recognise our keys;</li>
 *   <li>keyId: {@value #KEY_ID_LENGTH} base62 characters (~71 bits), the public lookup id;</li>
 *   <li>secret: {@value #SECRET_LENGTH} base62 characters from {@link SecureRandom} (~190 bits);</li>
 *   <li>checksum: CRC32 of everything before it, as {@value #CHECKSUM_LENGTH} base62 characters.</li>
 * </ul>
 *
 * As with GitHub's tokens, the checksum lets a typo, a truncated paste or a random string be refused
 * offline, before any cache or database is touched, and lets scanners drop false positives.
 */
public final class ApiKeyFormat {

    public static final String DEFAULT_PREFIX = "ik";
    public static final int KEY_ID_LENGTH = 12;
    public static final int SECRET_LENGTH = 32;
    public static final int CHECKSUM_LENGTH = 6;

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{1,9}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;
    /** The prefix and its separator, as every key starts. */
    private final String start;
    private final int length;

    private ApiKeyFormat(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "API key prefix must be 2-10 lowercase letters or digits, starting with a letter: " + prefix);
        }
        this.prefix = prefix;
        this.start = prefix + "_";
        this.length = prefix.length() + 1 + KEY_ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;
    }

    public static ApiKeyFormat withPrefix(String prefix) {
        return new ApiKeyFormat(prefix);
    }

    public static ApiKeyFormat defaultFormat() {
        return new ApiKeyFormat(DEFAULT_PREFIX);
    }

    /** Whether a prefix is acceptable, for validating configuration before use. */
    public static boolean isValidPrefix(String prefix) {
        return prefix != null && PREFIX.matcher(prefix).matches();
    }

    public String prefix() {
        return prefix;
    }

    /** Length of every key of this format. */
    public int length() {
        return length;
    }

    /** A new key with a fresh random key id and secret. */
    public ParsedApiKey generate() {
        String keyId = Base62.random(RANDOM, KEY_ID_LENGTH);
        String secret = Base62.random(RANDOM, SECRET_LENGTH);
        String body = prefix + "_" + keyId + secret;
        return new ParsedApiKey(prefix, keyId, secret, body + checksum(body));
    }

    /** The key's parts if its shape and checksum are valid; empty otherwise. */
    public Optional<ParsedApiKey> parse(String candidate) {
        if (check(candidate) != Problem.NONE) {
            return Optional.empty();
        }
        int idStart = prefix.length() + 1;
        int secretStart = idStart + KEY_ID_LENGTH;
        return Optional.of(new ParsedApiKey(prefix,
                candidate.substring(idStart, secretStart),
                candidate.substring(secretStart, secretStart + SECRET_LENGTH),
                candidate));
    }

    /**
     * Why a candidate is not a well-formed key of this format, or {@link Problem#NONE}. Allocates
     * only the bytes the checksum is taken over: gateways run it on every request before the cache.
     */
    public Problem check(String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return Problem.EMPTY;
        }
        if (!candidate.startsWith(start)) {
            return Problem.WRONG_PREFIX;
        }
        if (candidate.length() != length) {
            return Problem.WRONG_LENGTH;
        }
        for (int i = start.length(); i < length; i++) {
            if (!Base62.isBase62(candidate.charAt(i))) {
                return Problem.BAD_CHARACTER;
            }
        }
        long written = 0; // the checksum as written, most significant digit first (Base62.fixedWidth)
        for (int i = length - CHECKSUM_LENGTH; i < length; i++) {
            written = written * 62 + Base62.digit(candidate.charAt(i));
        }
        return written == crc32(candidate, length - CHECKSUM_LENGTH) ? Problem.NONE : Problem.BAD_CHECKSUM;
    }

    /** Whether a string has the shape of a key id ({@value #KEY_ID_LENGTH} base62 characters), whatever the prefix. */
    public static boolean isKeyId(String candidate) {
        return candidate != null && candidate.length() == KEY_ID_LENGTH && candidate.chars().allMatch(c -> Base62.isBase62((char) c));
    }

    /** Whether a string looks like one of our keys at all (right prefix), valid or not. */
    public boolean hasPrefix(String candidate) {
        return candidate != null && candidate.startsWith(start);
    }

    static String checksum(String body) {
        return Base62.fixedWidth(crc32(body, body.length()), CHECKSUM_LENGTH);
    }

    /** The CRC32 of a key's first {@code end} characters (ASCII), which its checksum encodes. */
    private static long crc32(String key, int end) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.US_ASCII), 0, end);
        return crc.getValue();
    }

    /** The ways a candidate can fail the offline check. */
    public enum Problem {
        NONE, EMPTY, WRONG_PREFIX, WRONG_LENGTH, BAD_CHARACTER, BAD_CHECKSUM
    }
}
