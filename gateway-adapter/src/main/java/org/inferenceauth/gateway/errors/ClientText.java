package org.inferenceauth.gateway.errors;

import java.util.regex.Pattern;

/**
 * Text a client chose (a path, a model name) on its way into an error message or a log line: cut
 * to a bounded length, control characters replaced, and anything shaped like a credential (an API
 * key, a JWT) masked, so a key pasted into the wrong place is not written down or sent back.
 */
public final class ClientText {

    public static final int MAX_LENGTH = 200;

    // prefix_ + 44 base62 (key id, secret) + 6 checksum, as ApiKeyFormat mints them; JWS compact serialisation.
    private static final Pattern CREDENTIAL = Pattern.compile(
            "[a-z][a-z0-9]{1,9}_[A-Za-z0-9]{40,}|eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private ClientText() {}

    public static String clip(String text) {
        if (text == null) {
            return null;
        }
        String cut = text.length() > MAX_LENGTH * 2 ? text.substring(0, MAX_LENGTH * 2) : text;
        cut = CREDENTIAL.matcher(cut).replaceAll("[redacted]");
        cut = CONTROL.matcher(cut).replaceAll("?");
        return cut.length() > MAX_LENGTH ? cut.substring(0, MAX_LENGTH) + "…" : cut;
    }
}
