package org.inferenceauth.keycloak.event;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.inferenceauth.keycloak.credential.ApiKeyCredentialModel;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.model.jpa.RevocationEventEntity;
import org.inferenceauth.keycloak.model.jpa.RevocationFeedStore;
import org.inferenceauth.keycloak.resource.KeyEvents;
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
 * Feeds the revocation table from Keycloak's own events, inside the transaction that caused them:
 * a key deleted in the account console ({@code REMOVE_CREDENTIAL}) or the admin console (admin
 * {@code ACTION} on {@code users/{id}/credentials/{id}}), a user disabled (admin {@code UPDATE}),
 * a user leaving a project group (admin {@code DELETE} of a group membership: the keys of
 * projects the user no longer belongs to stop validating, so they are announced as revoked), and an
 * operator removing a user's identity-provider link (admin {@code DELETE} of
 * {@code users/{id}/federated-identity/{alias}}: every key of the user is revoked).
 * User deletion is caught by {@link RevocationEventListenerFactory} from the provider event, which
 * every deletion path publishes. Revocations through our REST API are recorded by ApiKeyService.
 */
final class RevocationEventListener implements EventListenerProvider {

    private static final Pattern USER_CREDENTIAL = Pattern.compile("users/([^/]+)/credentials/([^/]+)");
    private static final Pattern USER = Pattern.compile("users/([^/]+)");
    private static final Pattern USER_GROUP = Pattern.compile("users/([^/]+)/groups/([^/]+)");
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
        if (!ApiKeyCredentialModel.TYPE.equals(details.get(Details.CREDENTIAL_TYPE))
                || details.containsKey(KeyEvents.FEED_RECORDED)) {
            return;
        }
        // The credential id is the key id (see ApiKeyCredentialModel.create).
        String keyId = details.getOrDefault(Details.CREDENTIAL_ID, details.get(Details.SELECTED_CREDENTIAL_ID));
        if (keyId != null && event.getUserId() != null) {
            feed().append(event.getRealmId(), RevocationEventEntity.KEY_REVOKED, keyId, event.getUserId());
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (event.getError() != null || event.getResourcePath() == null
                || (event.getResourceType() != ResourceType.USER && event.getResourceType() != ResourceType.GROUP_MEMBERSHIP)) {
            return;
        }
        String path = event.getResourcePath();
        Matcher credential = USER_CREDENTIAL.matcher(path);
        if (event.getOperationType() == OperationType.ACTION && credential.matches()) {
            Map<String, String> details = event.getDetails();
            if (details != null && ApiKeyCredentialModel.TYPE.equals(details.get(Details.CREDENTIAL_TYPE))) {
                feed().append(event.getRealmId(), RevocationEventEntity.KEY_REVOKED, credential.group(2), credential.group(1));
            }
            return;
        }
        Matcher membership = USER_GROUP.matcher(path);
        if (event.getOperationType() == OperationType.DELETE && membership.matches()) {
            revokeKeysOutsideProjects(event.getRealmId(), membership.group(1));
            return;
        }
        Matcher link = USER_LINK.matcher(path);
        if (event.getOperationType() == OperationType.DELETE && link.matches()) {
            revokeAllKeys(event.getRealmId(), link.group(1));
            return;
        }
        Matcher user = USER.matcher(path);
        if (event.getOperationType() == OperationType.UPDATE && user.matches()) {
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            UserModel updated = realm == null ? null : session.users().getUserById(realm, user.group(1));
            if (updated != null && !updated.isEnabled()) {
                feed().append(event.getRealmId(), RevocationEventEntity.USER_DISABLED, null, updated.getId());
            }
        }
    }

    /** Leaving a project group ends that project's keys: gateways must hear of it. */
    private void revokeKeysOutsideProjects(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user != null) {
            new ApiKeyService(session, realm).keysOutsideProjects(user).forEach(keyId ->
                    feed().append(realmId, RevocationEventEntity.KEY_REVOKED, keyId, userId));
        }
    }

    /**
     * An operator unlinked an institution from the account: the keys were minted by whoever logged in
     * through that link, which may not be the account's owner (a wrong link is the usual reason to
     * remove one). A person who still has another way in mints new keys.
     */
    private void revokeAllKeys(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user != null) {
            ApiKeyService keys = new ApiKeyService(session, realm);
            keys.list(user).forEach(key -> keys.revoke(user, key.keyId()));
        }
    }

    private RevocationFeedStore feed() {
        return new RevocationFeedStore(session);
    }

    @Override
    public void close() {}
}
