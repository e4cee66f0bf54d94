package org.inferenceauth.keycloak.model.jpa;

import java.util.List;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

/** Adds our tables to Keycloak's own persistence unit; Liquibase creates and migrates them. */
public final class ApiKeyJpaEntityProvider implements JpaEntityProvider {

    /** Includes one dated changelog per schema change; never edit a released one. */
    static final String CHANGELOG = "META-INF/inference-api-keys/changelog-master.xml";

    @Override
    public List<Class<?>> getEntities() {
        // Ignored on Quarkus (entities are found by the build-time scan) but still abstract in 26.7.
        return List.of(ApiKeyEntity.class, RevocationEventEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return CHANGELOG;
    }

    @Override
    public String getFactoryId() {
        return ApiKeyJpaEntityProviderFactory.PROVIDER_ID;
    }

    @Override
    public void close() {}
}
