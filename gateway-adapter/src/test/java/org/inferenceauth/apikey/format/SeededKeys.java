package org.inferenceauth.apikey.format;

import java.util.Random;

/** Test helper in the format's package: well-formed keys that were never issued, from a seeded random (reproducible). */
public final class SeededKeys {

    private SeededKeys() {}

    public static String forge(Random random) {
        String body = ApiKeyFormat.DEFAULT_PREFIX + "_" + Base62.random(random, ApiKeyFormat.KEY_ID_LENGTH)
                + Base62.random(random, ApiKeyFormat.SECRET_LENGTH);
        return body + ApiKeyFormat.checksum(body);
    }
}
