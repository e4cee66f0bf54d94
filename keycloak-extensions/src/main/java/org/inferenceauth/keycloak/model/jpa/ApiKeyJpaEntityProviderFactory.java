package org.inferenceauth.keycloak.model.jpa;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

public final class ApiKeyJpaEntityProviderFactory implements JpaEntityProviderFactory {

    /**
     * Liquibase tracks our changelog in {@code DATABASECHANGELOG_} + the first 10 letters of this id
     * ({@code DATABASECHANGELOG_APIKEYS_ST}); another provider of ours must not share them.
     */
    public static final String PROVIDER_ID = "apikeys-store";

    private static final ApiKeyJpaEntityProvider PROVIDER = new ApiKeyJpaEntityProvider();

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return PROVIDER;
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
