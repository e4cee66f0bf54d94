package org.inferenceauth.it.hostile;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.inferenceauth.apikey.format.ForgedKeys;

/**
 * Generated hostile inputs, all drawn from one seeded {@link Random} so that a run can be repeated
 * exactly. None of them is a valid credential or a valid request; {@code validKey} is an issued key
 * the generators bend (another secret, a flipped character, junk around it).
 */
final class HostileInputs {

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String PRINTABLE = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    private static final String UNICODE = "\u0000\u0001\u001f\u007f\u00a0\u00e9\u0130\u0661\u200b\u200e\u202e\u2028\ufeff\ufffd\uff10\ud83d\ude00";
    private static final List<String> NASTY = List.of(
            "' OR '1'='1", "\"; DROP TABLE PROJECT_API_KEY; --", "{\"active\":true}", "${jndi:ldap://x/a}",
            "<script>alert(1)</script>", "../../../../etc/passwd", "%00", "%2e%2e%2f", "null", "true", "[]", "{}",
            "ik_", "ik_%00", "Bearer ik_", "ik_\u0000", "admin", "*", "ik_" + "0".repeat(50));

    private final Random random;
    private final String validKey;

    HostileInputs(Random random, String validKey) {
        this.random = random;
        this.validKey = validKey;
    }

    Random random() {
        return random;
    }

    /** Something that looks more or less like an API key and is not a valid one. */
    String key() {
        return switch (random.nextInt(12)) {
            case 0 -> text(BASE62, 0, 80);
            case 1 -> text(PRINTABLE, 1, 120);
            case 2 -> text(UNICODE + BASE62, 1, 60);
            case 3 -> "ik_" + text(BASE62, 50, 50); // the shape, a checksum that fails (almost surely)
            case 4 -> ForgedKeys.wellFormed(random); // passes every offline check, never issued
            case 5 -> ForgedKeys.withOtherSecret(validKey, random); // an issued key id, another secret
            case 6 -> flipOneCharacter(validKey);
            case 7 -> around(validKey);
            case 8 -> pick(List.of("sk_", "IK_", "ik-", "ghp_")) + validKey.substring(3);
            case 9 -> text(BASE62, 4_000, 70_000); // oversized
            case 10 -> pick(NASTY);
            default -> validKey.substring(0, 1 + random.nextInt(validKey.length() - 1)); // truncated
        };
    }

    /** A feed cursor that is not one, or a number the feed must still cope with. */
    String cursor() {
        return switch (random.nextInt(6)) {
            case 0 -> "-" + (1 + random.nextInt(1_000_000));
            case 1 -> "9".repeat(19 + random.nextInt(40));
            case 2 -> pick(List.of("1e3", "0x10", " 1", "1 ", "+1", "1.0", "\u0661\u0662", "NaN", "", "%00", "0;1"));
            case 3 -> text(PRINTABLE, 1, 30);
            case 4 -> text(UNICODE, 1, 10);
            default -> Long.toString(random.nextLong() & Long.MAX_VALUE);
        };
    }

    /** A body for the re-check that is not {@code {"key_ids":[<key ids>]}}. */
    byte[] recheckBody() {
        String body = switch (random.nextInt(10)) {
            case 0 -> "{\"key_ids\":[" + quoted(validKey) + "]}"; // a whole key where an id belongs
            case 1 -> "{\"key_ids\":" + pick(List.of("\"x\"", "1", "null", "{}", "true", "[[\"abc\"]]", "[1,2]", "[{}]")) + "}";
            case 2 -> "{\"key_ids\":[" + ids(1001) + "]}"; // one too many
            case 3 -> "{\"key_ids\":[\"" + validKey.substring(3, 15) + "\"],\"key_ids\":[]}"; // repeated member
            case 4 -> nested(1 + random.nextInt(3_000));
            case 5 -> "{\"key_ids\":[" + quoted(key()) + "]}";
            case 6 -> text(PRINTABLE, 0, 200);
            case 7 -> "[\"" + validKey.substring(3, 15) + "\"]";
            case 8 -> "{\"key_ids\":[\"" + text(UNICODE, 12, 12) + "\"]}";
            default -> "{\"key_ids\":[" + quoted(text(PRINTABLE, 1, 40)) + "]}";
        };
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** A body for minting that must be refused (400, 403, 409 or 415), never a new key. */
    byte[] mintBody() {
        String name = "\"h" + random.nextInt(1_000_000) + "\"";
        String body = switch (random.nextInt(12)) {
            case 0 -> "{}";
            case 1 -> "{\"name\":" + pick(List.of("1", "true", "[]", "{}", "\"\"", "\"   \"")) + "}";
            case 2 -> "{\"name\":" + quoted("n" + text(PRINTABLE, 64, 300) + "n") + "}"; // too long even trimmed
            case 3 -> "{\"name\":\"a\\u0000b\"}";
            case 4 -> "{\"name\":\"x\\u202ey\"}";
            case 5 -> "{\"name\":" + name + ",\"scopes\":" + pick(List.of("\"model:a\"", "[1]", "[[\"a\"]]", "[\"bad scope\"]",
                    "[\"" + "a".repeat(129) + "\"]", "[" + ids(33) + "]")) + "}";
            case 6 -> "{\"name\":" + name + ",\"expiresAt\":" + pick(List.of("\"yesterday\"", "10", "\"1970-01-01T00:00:00Z\"",
                    "\"9999-12-31T23:59:59Z\"", "\"2030-13-45T00:00:00Z\"", "{}")) + "}";
            case 7 -> "{\"name\":" + name + ",\"project\":" + pick(List.of("\"not-mine\"", "\"../personal\"", "1", "\"\\u0000\"")) + "}";
            case 8 -> "{\"name\":" + name + ",\"name\":\"\"}"; // repeated member
            case 9 -> nested(1 + random.nextInt(3_000));
            case 10 -> text(PRINTABLE, 0, 200);
            default -> "[" + name + "]";
        };
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** A path segment where a key id belongs, that names no key of the caller's. */
    String keyIdSegment() {
        return switch (random.nextInt(5)) {
            case 0 -> text(BASE62, 12, 12);
            case 1 -> percentEncode(text(PRINTABLE, 1, 40));
            case 2 -> percentEncode(text(UNICODE, 1, 10));
            case 3 -> pick(List.of("%2e%2e", "..%2f", "%00", "%252e", "a%2fb", "~", "%20", "null", ";", "%3B"));
            default -> percentEncode(key());
        };
    }

    /** Invalid UTF-8 (lone continuation bytes, overlong forms, surrogates, 0xFF), then some text. */
    byte[] notUtf8(String before, String after) {
        byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xC0, (byte) 0xAF},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        byte[] head = before.getBytes(StandardCharsets.UTF_8);
        byte[] middle = bad[random.nextInt(bad.length)];
        byte[] tail = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + middle.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(middle, 0, out, head.length, middle.length);
        System.arraycopy(tail, 0, out, head.length + middle.length, tail.length);
        return out;
    }

    String text(String alphabet, int minLength, int maxLength) {
        int length = minLength + random.nextInt(maxLength - minLength + 1);
        StringBuilder out = new StringBuilder(length);
        while (out.length() < length) {
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            if (Character.isHighSurrogate(c) && out.length() + 1 < length) {
                out.append(c).append('\ude00');
            } else if (!Character.isSurrogate(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private String flipOneCharacter(String key) {
        int at = 3 + random.nextInt(key.length() - 3);
        char replacement = BASE62.charAt(random.nextInt(BASE62.length()));
        if (replacement == key.charAt(at)) {
            replacement = replacement == 'a' ? 'b' : 'a';
        }
        return key.substring(0, at) + replacement + key.substring(at + 1);
    }

    /**
     * The key with junk around it that is part of the credential. Never only control characters or
     * spaces: Keycloak's token endpoint drops those from every parameter, and the key is then genuine.
     */
    private String around(String key) {
        return pick(List.of("x", "0", "\u200b", "%20", "Bearer ", "ik_")) + key
                + pick(List.of("", "0", ".", "," + key, "\u200b"));
    }

    private String ids(int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(i == 0 ? "" : ",").append('"').append(text(BASE62, 12, 12)).append('"');
        }
        return out.toString();
    }

    private static String nested(int depth) {
        return "{\"key_ids\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String quoted(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static String percentEncode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
