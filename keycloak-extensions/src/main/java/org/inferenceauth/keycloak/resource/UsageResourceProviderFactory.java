package org.inferenceauth.keycloak.resource;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Serves {@code /realms/{realm}/}{@value #PROVIDER_ID}. */
public final class UsageResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "usage";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new UsageResourceProvider(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
