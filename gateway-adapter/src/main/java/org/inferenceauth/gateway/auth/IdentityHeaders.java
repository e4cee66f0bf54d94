package org.inferenceauth.gateway.auth;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.inferenceauth.gateway.auth.CredentialExtractor;
import org.inferenceauth.gateway.auth.Identity;

/**
 * The headers the gateway asserts about the caller. Upstreams (and, in forward-auth mode, the
 * proxy in front) may log or use them, so a client must never be able to set them itself.
 */
public final class IdentityHeaders {

    public static final String USER = "X-Auth-User";
    public static final String SUBJECT = "X-Auth-Subject";
    public static final String PROJECT = "X-Auth-Project";
    public static final String KEY_ID = "X-Auth-Key-Id";
    public static final String CLIENT = "X-Auth-Client";

    private static final String OWN_PREFIX = "x-auth-";
    private static final List<String> ALSO_STRIPPED = List.of("cookie", "proxy-authorization");

    private IdentityHeaders() {}

    /** Removes the client's credentials and any client-sent {@code X-Auth-*} header. */
    public static void stripClientCredentials(MultiMap headers) {
        CredentialExtractor.CREDENTIAL_HEADERS.forEach(headers::remove);
        ALSO_STRIPPED.forEach(headers::remove);
        List<String> forged = headers.names().stream()
                .filter(name -> name.toLowerCase(Locale.ROOT).startsWith(OWN_PREFIX)).toList();
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

    private static void putIfPresent(BiConsumer<String, String> put, String name, String value) {
        if (value != null && !value.isEmpty()) {
            put.accept(name, value.replaceAll("[\\p{Cntrl}]", "?"));
        }
    }
}
