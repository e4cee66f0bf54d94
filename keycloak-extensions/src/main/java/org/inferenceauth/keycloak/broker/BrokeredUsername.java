package org.inferenceauth.keycloak.broker;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The username of an account made at a first institutional login: readable and stable. The eppn
 * ({@code jdoe@iu.edu}) when the institution releases a usable one; otherwise CILogon's subject,
 * which CILogon never reassigns ({@code http://cilogon.org/serverA/users/123} becomes
 * {@code cilogon.org-servera-users-123}). The account itself is found at later logins by the
 * identity link (provider + subject), never by this name.
 */
final class BrokeredUsername {

    /** Characters Keycloak's "username-prohibited-characters" validator refuses, and whitespace. */
    private static final Pattern PROHIBITED = Pattern.compile("[<>&\"'\\s$%!#?§,;:*~/\\\\|^=\\[\\]{}()`\\p{Cntrl}]+");
    private static final int MAX_LENGTH = 255;

    private BrokeredUsername() {}

    static String of(String eppn, String subject) {
        String fromEppn = eppn == null ? "" : eppn.trim().toLowerCase(Locale.ROOT);
        if (fromEppn.length() >= 3 && fromEppn.length() <= MAX_LENGTH && !PROHIBITED.matcher(fromEppn).find()) {
            return fromEppn;
        }
        String raw = subject == null ? "" : subject.trim().toLowerCase(Locale.ROOT).replaceFirst("^[a-z][a-z0-9+.-]*://", "");
        String fromSubject = PROHIBITED.matcher(raw).replaceAll("-").replaceAll("^-+|-+$", "");
        if (fromSubject.length() > MAX_LENGTH) {
            fromSubject = fromSubject.substring(fromSubject.length() - MAX_LENGTH); // the distinguishing end
        }
        return fromSubject;
    }
}
