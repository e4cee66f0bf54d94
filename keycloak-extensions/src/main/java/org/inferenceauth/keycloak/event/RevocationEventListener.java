package org.inferenceauth.keycloak.event;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.inferenceauth.keycloak.credential.ApiKeyCredentialModel;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.keys.RevocationFeed;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Announces revocations to the {@link RevocationFeed} from Keycloak's own events, inside the
 * transaction that caused them: a key deleted in the account console ({@code REMOVE_CREDENTIAL})
 * or the admin console (admin {@code ACTION} on {@code users/{id}/credentials/{id}}), a user
 * disabled (admin {@code UPDATE}), and a user losing access to some keys: leaving a project group
 * or a group that granted the required role (admin {@code DELETE} of a group membership), or losing
 * the role itself or a role that contained it (admin {@code DELETE} of realm or client role
 * mappings). Keys that lose access this way stop validating, so they are announced as revoked.
 * Changes that may affect many users' keys at once (a group's roles, a role's composites, a
 * deleted group, role or client, the realm's settings: {@link RealmWideChange}) are announced as
 * one {@code recheck_all}: gateways then re-check every key they hold. An operator removing one of a user's
 * identity-provider links (admin {@code DELETE} of {@code users/{id}/federated-identity/{alias}})
 * revokes all of the user's keys. User deletion is caught by
 * {@link RevocationEventListenerFactory} from the provider event, which every deletion path
 * publishes. The feed writes a key once per transaction, however many events name it.
 */
final class RevocationEventListener implements EventListenerProvider {

    private static final Pattern USER_CREDENTIAL = Pattern.compile("users/([^/]+)/credentials/([^/]+)");
    private static final Pattern USER = Pattern.compile("users/([^/]+)");
    private static final Pattern USER_GROUP = Pattern.compile("users/([^/]+)/groups/([^/]+)");
    private static final Pattern USER_ROLES = Pattern.compile("users/([^/]+)/role-mappings/(realm|clients/[^/]+)");
    private static final Pattern USER_LINK = Pattern.compile("users/([^/]+)/federated-identity/([^/]+)");

    private final KeycloakSession session;

    RevocationEventListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getType() != EventType.REMOVE_CREDENTIAL || event.getDetails() == null) {
            return;
        }
        Map<String, String> details = event.getDetails();
        if (!ApiKeyCredentialModel.TYPE.equals(details.get(Details.CREDENTIAL_TYPE))) {
            return;
        }
        // The credential id is the key id (see ApiKeyCredentialModel.create).
        String keyId = details.getOrDefault(Details.CREDENTIAL_ID, details.get(Details.SELECTED_CREDENTIAL_ID));
        if (keyId != null && event.getUserId() != null) {
            feed().keyRevoked(event.getRealmId(), keyId, event.getUserId());
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (event.getError() != null) {
            return;
        }
        if (RealmWideChange.announces(event)) { // a realm update may carry no resource path
            feed().recheckAll(event.getRealmId());
            return;
        }
        if (event.getResourcePath() == null || !concernsUsers(event.getResourceType())) {
            return;
        }
        String path = event.getResourcePath();
        Matcher credential = USER_CREDENTIAL.matcher(path);
        if (event.getOperationType() == OperationType.ACTION && credential.matches()) {
            Map<String, String> details = event.getDetails();
            if (details != null && ApiKeyCredentialModel.TYPE.equals(details.get(Details.CREDENTIAL_TYPE))) {
                feed().keyRevoked(event.getRealmId(), credential.group(2), credential.group(1));
            }
            return;
        }
        Matcher membership = USER_GROUP.matcher(path);
        if (event.getOperationType() == OperationType.DELETE && membership.matches()) {
            announceKeysWithoutAccess(event.getRealmId(), membership.group(1));
            return;
        }
        Matcher roles = USER_ROLES.matcher(path);
        if (event.getOperationType() == OperationType.DELETE && roles.matches()) {
            announceKeysWithoutAccess(event.getRealmId(), roles.group(1));
            return;
        }
        Matcher link = USER_LINK.matcher(path);
        if (event.getOperationType() == OperationType.DELETE && link.matches()) {
            revokeAllKeys(event.getRealmId(), link.group(1));
            return;
        }
        Matcher user = USER.matcher(path);
        if (event.getOperationType() == OperationType.UPDATE && user.matches()) {
            UserModel updated = user(event.getRealmId(), user.group(1));
            if (updated != null && !updated.isEnabled()) {
                feed().userDisabled(event.getRealmId(), updated.getId());
            }
        }
    }

    private static boolean concernsUsers(ResourceType type) {
        return type == ResourceType.USER || type == ResourceType.GROUP_MEMBERSHIP
                || type == ResourceType.REALM_ROLE_MAPPING || type == ResourceType.CLIENT_ROLE_MAPPING;
    }

    /** Keys whose owner lost their project or the required role stop working: gateways must hear of it. */
    private void announceKeysWithoutAccess(String realmId, String userId) {
        UserModel user = user(realmId, userId);
        if (user != null) {
            new ApiKeyService(session, session.realms().getRealm(realmId)).keysWithoutAccess(user)
                    .forEach(keyId -> feed().keyRevoked(realmId, keyId, userId));
        }
    }

    /**
     * An operator unlinked an institution from the account: the keys were minted by whoever logged in
     * through that link, which may not be the account's owner (a wrong link is the usual reason to
     * remove one). A person who still has another way in mints new keys.
     */
    private void revokeAllKeys(String realmId, String userId) {
        UserModel user = user(realmId, userId);
        if (user != null) {
            ApiKeyService keys = new ApiKeyService(session, session.realms().getRealm(realmId));
            keys.list(user).forEach(key -> keys.revoke(user, key.keyId()));
        }
    }

    private UserModel user(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        return realm == null ? null : session.users().getUserById(realm, userId);
    }

    private RevocationFeed feed() {
        return new RevocationFeed(session);
    }

    @Override
    public void close() {}
}
