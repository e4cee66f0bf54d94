package org.inferenceauth.keycloak.model.jpa;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

public final class UsageJpaEntityProviderFactory implements JpaEntityProviderFactory {

    /**
     * Liquibase tracks the usage changelog in {@code DATABASECHANGELOG_USAGE_STOR}, apart from the
     * key tables' {@code DATABASECHANGELOG_APIKEYS_ST}: dropping the key tables and their tracking
     * table for a Keycloak migration (README) must not re-run, or lose, the usage tables.
     */
    public static final String PROVIDER_ID = "usage-store";

    private static final UsageJpaEntityProvider PROVIDER = new UsageJpaEntityProvider();

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
