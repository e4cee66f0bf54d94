package org.inferenceauth.keycloak.usage;

import java.util.UUID;
import org.inferenceauth.keycloak.model.jpa.UsageDayEntity;
import org.inferenceauth.keycloak.model.jpa.UsageStore;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** What happens to usage rows when people and realms go, and when they grow old. */
public final class UsageLifecycle {

    /** How long batch ids are remembered: beyond the 31 days a batch may reach back, with a margin. */
    public static final int BATCH_ID_DAYS = 35;
    /** The prefix of a deleted user's pseudonym in {@code USER_ID}. */
    public static final String PSEUDONYM_PREFIX = "deleted-";

    private final UsageStore store;

    public UsageLifecycle(KeycloakSession session) {
        this.store = new UsageStore(session);
    }

    /**
     * Moves a deleted user's rows to a fresh random pseudonym: counts of distinct people stay true,
     * nothing links the rows to the person any more (row ids are digests of the dimensions, so each
     * row is re-keyed, not just relabelled). Runs in the deleting transaction.
     */
    public int anonymise(String realmId, String userId) {
        String pseudonym = pseudonym();
        int moved = 0;
        for (UsageDayEntity row : store.byUser(realmId, userId)) {
            store.replace(row, UsageRow.of(row).forUser(pseudonym).toEntity(realmId));
            moved++;
        }
        return moved;
    }

    public static String pseudonym() {
        return PSEUDONYM_PREFIX + UUID.randomUUID();
    }

    public void realmRemoved(String realmId) {
        store.deleteRealm(realmId);
    }

    /** Applies the realm's retention: rows of days older than it, batch ids older than {@value #BATCH_ID_DAYS} days. */
    public UsageStore.Purged purge(RealmModel realm) {
        long today = UsageDays.today().toEpochDay();
        long keepFrom = today - UsageSettings.of(realm).retentionDays() + 1;
        return store.purge(realm.getId(), keepFrom, Time.currentTime() - BATCH_ID_DAYS * 86400L);
    }
}
