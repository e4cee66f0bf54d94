package org.inferenceauth.keycloak.model.jpa;

import java.util.List;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

/** The usage tables in Keycloak's persistence unit, with a changelog of their own (see the factory). */
public final class UsageJpaEntityProvider implements JpaEntityProvider {

    static final String CHANGELOG = "META-INF/inference-usage/changelog-master.xml";

    @Override
    public List<Class<?>> getEntities() {
        // Ignored on Quarkus (entities are found by the build-time scan) but still abstract in 26.7.
        return List.of(UsageDayEntity.class, UsageBatchEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return CHANGELOG;
    }

    @Override
    public String getFactoryId() {
        return UsageJpaEntityProviderFactory.PROVIDER_ID;
    }

    @Override
    public void close() {}
}
