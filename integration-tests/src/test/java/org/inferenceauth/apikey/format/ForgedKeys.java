package org.inferenceauth.apikey.format;

import java.util.Random;

/** Test helper in the format's package: well-formed keys that were never issued, for negative tests. */
public final class ForgedKeys {

    private ForgedKeys() {}

    /** The same prefix and key id with another secret and a correct checksum. */
    public static String withOtherSecret(String key) {
        ApiKeyFormat format = ApiKeyFormat.withPrefix(key.substring(0, key.indexOf('_')));
        return withSecret(format.parse(key).orElseThrow(), format.generate().secret());
    }

    /** As {@link #withOtherSecret(String)}, the secret drawn from {@code random} (reproducible). */
    public static String withOtherSecret(String key, Random random) {
        ApiKeyFormat format = ApiKeyFormat.withPrefix(key.substring(0, key.indexOf('_')));
        return withSecret(format.parse(key).orElseThrow(), Base62.random(random, ApiKeyFormat.SECRET_LENGTH));
    }

    /** A key of the default format that passes every offline check, drawn from {@code random}. */
    public static String wellFormed(Random random) {
        String body = ApiKeyFormat.DEFAULT_PREFIX + "_" + Base62.random(random, ApiKeyFormat.KEY_ID_LENGTH)
                + Base62.random(random, ApiKeyFormat.SECRET_LENGTH);
        return body + ApiKeyFormat.checksum(body);
    }

    private static String withSecret(ParsedApiKey parsed, String secret) {
        String body = parsed.prefix() + "_" + parsed.keyId() + secret;
        return body + ApiKeyFormat.checksum(body);
    }
}
