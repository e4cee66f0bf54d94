package org.inferenceauth.keycloak.realm;

import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;

/**
 * Runs the {@link PlaceholderGuard} once per start, after Keycloak has migrated its database and
 * imported the realm files ({@link PostMigrationEvent}). Keycloak has no start-up SPI; a global
 * event-listener factory is the lightest provider whose {@code postInit} runs on every node and that
 * no realm needs to enable. Its listener ignores events.
 */
public final class PlaceholderGuardFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "inference-realm-placeholder-guard";

    private static final EventListenerProvider IGNORES_EVENTS = new EventListenerProvider() {
        @Override public void onEvent(Event event) {}
        @Override public void onEvent(AdminEvent event, boolean includeRepresentation) {}
        @Override public void close() {}
    };

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent migrated) {
                KeycloakModelUtils.runJobInTransaction(migrated.getFactory(),
                        session -> new PlaceholderGuard(session).checkAllRealms());
            }
        });
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return IGNORES_EVENTS;
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

    @Override
    public void close() {}
}
