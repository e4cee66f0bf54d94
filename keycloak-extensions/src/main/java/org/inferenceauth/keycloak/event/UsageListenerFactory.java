package org.inferenceauth.keycloak.event;

import org.inferenceauth.keycloak.usage.UsageLifecycle;
import org.inferenceauth.keycloak.usage.UsagePurgeTask;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.timer.TimerProvider;

/**
 * The realm's event listener {@value #PROVIDER_ID} (enable it in the realm's event listeners, as
 * the shipped realm does) counts web-UI logins. Whatever realms enable, this factory also keeps the
 * usage tables in step with the realm on every node: a deleted user's rows are anonymised and a
 * deleted realm's rows deleted (provider events, in the deleting transaction), and the retention
 * is applied by a scheduled task once Keycloak has started.
 */
public final class UsageListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "inference-usage";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new UsageLoginListener(session);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof UserModel.UserRemovedEvent removed) {
                new UsageLifecycle(removed.getKeycloakSession())
                        .anonymise(removed.getRealm().getId(), removed.getUser().getId());
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                new UsageLifecycle(removed.getKeycloakSession()).realmRemoved(removed.getRealm().getId());
            } else if (event instanceof PostMigrationEvent migrated) {
                KeycloakModelUtils.runJobInTransaction(migrated.getFactory(), session -> session
                        .getProvider(TimerProvider.class)
                        .scheduleTask(new UsagePurgeTask(), UsagePurgeTask.INTERVAL_MILLIS, UsagePurgeTask.NAME));
            }
        });
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
