package org.inferenceauth.keycloak.event;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.inferenceauth.keycloak.credential.ApiKeyCredentialModel;
import org.inferenceauth.keycloak.model.jpa.RevocationEventEntity;
import org.inferenceauth.keycloak.model.jpa.RevocationFeedStore;
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
 * {@code ACTION} on {@code users/{id}/credentials/{id}}), and a user disabled (admin {@code UPDATE}).
 * User deletion is caught by {@link RevocationEventListenerFactory} from the provider event, which
 * every deletion path publishes. Revocations through our REST API are recorded by ApiKeyService.
 */
final class RevocationEventListener implements EventListenerProvider {

    private static final Pattern USER_CREDENTIAL = Pattern.compile("users/([^/]+)/credentials/([^/]+)");
    private static final Pattern USER = Pattern.compile("users/([^/]+)");

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
            feed().append(event.getRealmId(), RevocationEventEntity.KEY_REVOKED, keyId, event.getUserId());
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (event.getResourceType() != ResourceType.USER || event.getError() != null || event.getResourcePath() == null) {
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
        Matcher user = USER.matcher(path);
        if (event.getOperationType() == OperationType.UPDATE && user.matches()) {
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            UserModel updated = realm == null ? null : session.users().getUserById(realm, user.group(1));
            if (updated != null && !updated.isEnabled()) {
                feed().append(event.getRealmId(), RevocationEventEntity.USER_DISABLED, null, updated.getId());
            }
        }
    }

    private RevocationFeedStore feed() {
        return new RevocationFeedStore(session);
    }

    @Override
    public void close() {}
}
