package org.inferenceauth.keycloak.resource;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

final class ApiKeysResourceProvider implements RealmResourceProvider {

    private final KeycloakSession session;

    ApiKeysResourceProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return new ApiKeysResource(session, session.getContext().getRealm());
    }

    @Override
    public void close() {}
}
