package org.inferenceauth.keycloak.event;

import java.time.LocalDate;
import java.util.List;
import org.inferenceauth.keycloak.usage.UsageRecorder;
import org.inferenceauth.keycloak.usage.UsageRow;
import org.inferenceauth.keycloak.usage.UsageSettings;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Counts web-UI logins: a {@code LOGIN} event of one of the realm's web-UI clients
 * ({@code inference.usage.webUiClients}) adds one to {@code logins} on channel {@code ui}. Written
 * after the login's transaction committed, in a transaction of its own: counting can never make a
 * login fail, and a failed login is never counted.
 */
final class UsageLoginListener implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(UsageLoginListener.class);

    private final KeycloakSession session;

    UsageLoginListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getType() != EventType.LOGIN || event.getUserId() == null || event.getClientId() == null) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (realm == null || !UsageSettings.of(realm).webUiClients().contains(event.getClientId())) {
            return;
        }
        long at = event.getTime() / 1000;
        UsageRow login = UsageRow.login(LocalDate.ofEpochDay(Math.floorDiv(at, 86400L)), event.getUserId(),
                event.getClientId(), at);
        UsageRecorder recorder = new UsageRecorder(session.getKeycloakSessionFactory());
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                try {
                    recorder.record(realm.getId(), List.of(login));
                } catch (RuntimeException e) {
                    LOG.warnf("A web-UI login of realm %s was not counted: %s", realm.getName(), e.getClass().getName());
                }
            }

            @Override
            protected void rollbackImpl() {}
        });
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {}

    @Override
    public void close() {}
}
