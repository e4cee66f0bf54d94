package org.inferenceauth.gateway.usage;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.inferenceauth.gateway.auth.Identity;

/**
 * Open WebUI's forwarded user headers ({@code X-OpenWebUI-User-Email}, {@code -Id}, {@code -Name},
 * {@code -Role}, {@code X-OpenWebUI-Chat-Id}, …): believed only from a caller configured as the web
 * UI (its client id or API key id in {@code GATEWAY_WEB_UI_CALLERS}), whose calls then count for
 * the person it names. Anyone can send such headers, so from every other caller they are removed
 * before the request goes on, and ignored.
 */
public final class WebUiAttribution {

    private static final String PREFIX = "x-openwebui-";
    private static final String EMAIL = "x-openwebui-user-email";
    private static final int MAX_EMAIL = 255;

    private final Set<String> trustedCallers;

    public WebUiAttribution(Set<String> trustedCallers) {
        this.trustedCallers = Set.copyOf(trustedCallers);
    }

    /**
     * @return the email the trusted web UI names (one plausible address, else {@code null}: the call
     *         then counts for the web UI's own account); {@code null} for anyone else, whose Open
     *         WebUI headers are removed from {@code headers}
     */
    public String personNamedBy(Identity caller, MultiMap headers) {
        if (trusted(caller)) {
            List<String> emails = headers.getAll(EMAIL);
            return emails.size() == 1 ? plausibleEmail(emails.get(0).trim()) : null;
        }
        List<String> forged = null;
        for (Map.Entry<String, String> header : headers) { // no allocation unless such a header is there
            String name = header.getKey();
            if (name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                if (forged == null) {
                    forged = new ArrayList<>(2);
                }
                forged.add(name);
            }
        }
        if (forged != null) {
            forged.forEach(headers::remove);
        }
        return null;
    }

    private boolean trusted(Identity caller) {
        return !trustedCallers.isEmpty() && ((caller.keyId() != null && trustedCallers.contains(caller.keyId()))
                || (caller.kind() == Identity.Kind.JWT && caller.clientId() != null && trustedCallers.contains(caller.clientId())));
    }

    private static String plausibleEmail(String value) {
        int at = value.indexOf('@');
        boolean plausible = at > 0 && at < value.length() - 1 && value.length() <= MAX_EMAIL
                && value.chars().noneMatch(c -> c <= ' ' || c == 0x7F);
        return plausible ? value : null;
    }
}
