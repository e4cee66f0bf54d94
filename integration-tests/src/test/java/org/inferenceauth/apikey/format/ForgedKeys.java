package org.inferenceauth.apikey.format;

/** Test helper in the format's package: well-formed keys that were never issued, for negative tests. */
public final class ForgedKeys {

    private ForgedKeys() {}

    /** The same prefix and key id with another secret and a correct checksum. */
    public static String withOtherSecret(String key) {
        ApiKeyFormat format = ApiKeyFormat.withPrefix(key.substring(0, key.indexOf('_')));
        ParsedApiKey parsed = format.parse(key).orElseThrow();
        String otherSecret = format.generate().secret();
        String body = parsed.prefix() + "_" + parsed.keyId() + otherSecret;
        return body + ApiKeyFormat.checksum(body);
    }
}
