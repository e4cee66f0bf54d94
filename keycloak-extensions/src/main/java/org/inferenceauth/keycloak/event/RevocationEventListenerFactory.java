package org.inferenceauth.keycloak.event;

import org.inferenceauth.keycloak.keys.RevocationFeed;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Global, so that no realm can forget to enable it (and none can list it: Keycloak refuses global
 * listeners in a realm's configuration).
 */
public final class RevocationEventListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "api-key-revocations";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new RevocationEventListener(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {}

    /** User deletion through any path (admin REST, account deletion, federation) publishes this event; realm deletion its own. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof UserModel.UserRemovedEvent removed) {
                new RevocationFeed(removed.getKeycloakSession())
                        .userDeleted(removed.getRealm().getId(), removed.getUser().getId());
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                new RevocationFeed(removed.getKeycloakSession()).realmRemoved(removed.getRealm().getId());
            }
        });
    }

    @Override
    public void close() {}
}
