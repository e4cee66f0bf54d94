package org.inferenceauth.gateway.auth;

import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.inferenceauth.gateway.auth.CredentialExtractor;
import org.inferenceauth.gateway.auth.Identity;

/**
 * The headers the gateway asserts about the caller. Upstreams (and, in forward-auth mode, the
 * proxy in front) may log or use them, so a client must never be able to set them itself.
 *
 * <p>Values are percent-encoded UTF-8 (RFC 3986): every byte outside {@code A-Z a-z 0-9 - . _ ~ @}
 * becomes {@code %XX}, so a name like {@code zoë} arrives as {@code zo%C3%AB} through any proxy
 * (header values are Latin-1 at best) and decodes with any URL decoder. Plain ASCII names, key ids
 * and UUIDs are unchanged.
 */
public final class IdentityHeaders {

    public static final String USER = "X-Auth-User";
    public static final String SUBJECT = "X-Auth-Subject";
    public static final String PROJECT = "X-Auth-Project";
    public static final String KEY_ID = "X-Auth-Key-Id";
    public static final String CLIENT = "X-Auth-Client";

    private static final String OWN_PREFIX = "x-auth-";
    // x-data-parallel-rank picks a vLLM data-parallel engine: the gateway's business, not the client's.
    private static final List<String> ALSO_STRIPPED = List.of("cookie", "proxy-authorization", "x-data-parallel-rank");

    /** Client headers that never reach an upstream (besides every {@code X-Auth-*}). */
    public static final List<String> STRIPPED = java.util.stream.Stream.concat(
            CredentialExtractor.CREDENTIAL_HEADERS.stream(), ALSO_STRIPPED.stream()).toList();

    private IdentityHeaders() {}

    /** Removes the client's credentials, the other {@link #STRIPPED} headers and any client-sent {@code X-Auth-*} header. */
    public static void stripClientCredentials(MultiMap headers) {
        STRIPPED.forEach(headers::remove);
        List<String> forged = headers.names().stream().filter(IdentityHeaders::isOwnNamespace).toList();
        forged.forEach(headers::remove);
    }

    /** Calls {@code put} for each identity header that has a value. */
    public static void write(Identity identity, BiConsumer<String, String> put) {
        putIfPresent(put, USER, identity.username());
        putIfPresent(put, SUBJECT, identity.subject());
        putIfPresent(put, PROJECT, identity.project());
        putIfPresent(put, KEY_ID, identity.keyId());
        putIfPresent(put, CLIENT, identity.clientId());
    }

    /** Names of the identity headers, lower-case. */
    public static final List<String> NAMES = List.of(USER, SUBJECT, PROJECT, KEY_ID, CLIENT).stream()
            .map(name -> name.toLowerCase(Locale.ROOT)).toList();

    /** Whether a header name belongs to the gateway's own {@code X-Auth-*} namespace. */
    public static boolean isOwnNamespace(String name) {
        return name.regionMatches(true, 0, OWN_PREFIX, 0, OWN_PREFIX.length());
    }

    private static void putIfPresent(BiConsumer<String, String> put, String name, String value) {
        if (value != null && !value.isEmpty()) {
            put.accept(name, encode(value));
        }
    }

    static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = null;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '-' || b == '.' || b == '_' || b == '~' || b == '@';
            if (out == null && !plain) {
                out = new StringBuilder(bytes.length * 3).append(value, 0, i); // bytes before i are ASCII
            }
            if (out != null) {
                if (plain) {
                    out.append((char) b);
                } else {
                    out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
                }
            }
        }
        return out == null ? value : out.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
