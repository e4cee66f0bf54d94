package org.inferenceauth.keycloak.resource;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

final class UsageResourceProvider implements RealmResourceProvider {

    private final KeycloakSession session;

    UsageResourceProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return new UsageResource(session, session.getContext().getRealm());
    }

    @Override
    public void close() {}
}
