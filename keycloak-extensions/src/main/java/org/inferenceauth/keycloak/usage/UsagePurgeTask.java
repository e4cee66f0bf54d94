package org.inferenceauth.keycloak.usage;

import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.timer.ScheduledTask;

/**
 * Applies every realm's usage retention, hourly. Every node schedules it; the cluster lets one node
 * at a time run it ({@link ClusterProvider#executeIfNotExecuted}), and a second run would only
 * delete nothing: the purge is idempotent.
 */
public final class UsagePurgeTask implements ScheduledTask {

    public static final String NAME = "inference-usage-purge";
    public static final long INTERVAL_MILLIS = 3600_000L;

    private static final Logger LOG = Logger.getLogger(UsagePurgeTask.class);

    @Override
    public void run(KeycloakSession session) {
        session.getProvider(ClusterProvider.class).executeIfNotExecuted(NAME, (int) (INTERVAL_MILLIS / 1000), () -> {
            UsageLifecycle lifecycle = new UsageLifecycle(session);
            session.realms().getRealmsStream().forEach(realm -> purge(lifecycle, realm));
            return null;
        });
    }

    private static void purge(UsageLifecycle lifecycle, RealmModel realm) {
        var purged = lifecycle.purge(realm);
        if (purged.rows() > 0) {
            LOG.debugf("Realm %s: %d usage rows past the retention deleted", realm.getName(), purged.rows());
        }
    }

    @Override
    public String getTaskName() {
        return NAME;
    }
}
