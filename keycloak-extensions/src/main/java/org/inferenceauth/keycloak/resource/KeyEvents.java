package org.inferenceauth.keycloak.resource;

import org.inferenceauth.keycloak.credential.ApiKeyCredentialModel;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;

/**
 * Keycloak user events for self-service mints and revocations, so they appear in the realm's event
 * log beside the consoles' credential events. Details name the key, never its secret.
 */
final class KeyEvents {

    private final KeycloakSession session;
    private final RealmModel realm;

    KeyEvents(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    void minted(UserModel user, AccessToken token, String keyId, String name, String project) {
        event(EventType.UPDATE_CREDENTIAL, user, token, keyId, name).detail("project", project).success();
    }

    void revoked(UserModel user, AccessToken token, String keyId) {
        event(EventType.REMOVE_CREDENTIAL, user, token, keyId, null).success();
    }

    private EventBuilder event(EventType type, UserModel user, AccessToken token, String keyId, String name) {
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(type).user(user).client(token.getIssuedFor())
                .detail(Details.CREDENTIAL_TYPE, ApiKeyCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, keyId);
        return name == null ? event : event.detail(Details.CREDENTIAL_USER_LABEL, name);
    }
}
