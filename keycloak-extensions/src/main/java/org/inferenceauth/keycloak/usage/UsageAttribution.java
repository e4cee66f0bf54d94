package org.inferenceauth.keycloak.usage;

import java.util.HashMap;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Decides whose usage an entry is. On the web UI's channel the person it names by email, if an
 * enabled user has that email; otherwise the entry's {@code user_id}. A {@code user_id} that is no
 * user of the realm (deleted while the gateway still held the entry) is counted under a fresh
 * pseudonym, one per such id and batch, so that it never re-creates a link to a deleted person.
 * Emails are only looked up, never stored or logged.
 */
public final class UsageAttribution {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final Map<String, String> byEmail = new HashMap<>();
    private final Map<String, String> byUserId = new HashMap<>();

    public UsageAttribution(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    public UsageRow attribute(UsageRow row, String userEmail) {
        if (userEmail != null && UsageRow.UI.equals(row.channel())) {
            String person = byEmail.computeIfAbsent(userEmail, this::enabledUserWithEmail);
            if (!person.isEmpty()) {
                return row.forUser(person);
            }
        }
        return row.forUser(byUserId.computeIfAbsent(row.userId(), this::existingOrPseudonym));
    }

    private String enabledUserWithEmail(String email) {
        UserModel user = session.users().getUserByEmail(realm, email);
        return user != null && user.isEnabled() ? user.getId() : "";
    }

    private String existingOrPseudonym(String userId) {
        return session.users().getUserById(realm, userId) != null ? userId : UsageLifecycle.pseudonym();
    }
}
