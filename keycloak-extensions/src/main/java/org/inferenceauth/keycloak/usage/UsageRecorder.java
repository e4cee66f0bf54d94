package org.inferenceauth.keycloak.usage;

import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.inferenceauth.keycloak.model.jpa.UsageBatchEntity;
import org.inferenceauth.keycloak.model.jpa.UsageStore;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.ModelException;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Adds usage to the daily rows, each time in a transaction of its own, all or nothing. Two writers
 * that create the same row at once (two gateways, a gateway and a login, two nodes) meet at the
 * row's primary key: the loser's transaction fails and is run again from the start, when the row
 * exists and an atomic increment adds to it. Rows are written in id order, so two transactions
 * never wait for each other crosswise. A batch id is written first: a batch is stored at most once.
 */
public final class UsageRecorder {

    private static final Logger LOG = Logger.getLogger(UsageRecorder.class);
    private static final int ATTEMPTS = 5;

    private final KeycloakSessionFactory factory;

    public UsageRecorder(KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    /**
     * Stores a gateway's batch unless its id was seen before. Returns {@code false} for such a
     * duplicate (nothing added).
     */
    public boolean recordBatch(String realmId, String batchId, String source, int entryCount, Collection<UsageRow> rows) {
        Map<String, UsageRow> merged = merge(realmId, rows);
        return inOwnTransaction(session -> {
            UsageStore store = new UsageStore(session);
            if (store.isRemembered(realmId, batchId)) {
                return false;
            }
            store.remember(new UsageBatchEntity(realmId, batchId, source, Time.currentTime(), entryCount));
            write(store, realmId, merged);
            return true;
        });
    }

    /** Adds rows that carry no batch id (web-UI logins). */
    public void record(String realmId, Collection<UsageRow> rows) {
        Map<String, UsageRow> merged = merge(realmId, rows);
        inOwnTransaction(session -> {
            write(new UsageStore(session), realmId, merged);
            return null;
        });
    }

    /** One row per id (a batch may name a row twice), in id order. */
    private static Map<String, UsageRow> merge(String realmId, Collection<UsageRow> rows) {
        Map<String, UsageRow> merged = new TreeMap<>();
        rows.forEach(row -> merged.merge(row.rowId(realmId), row, UsageRow::plus));
        return merged;
    }

    private static void write(UsageStore store, String realmId, Map<String, UsageRow> rows) {
        Map<String, Long> keysUsedAt = new TreeMap<>();
        rows.values().forEach(row -> {
            store.add(row.toEntity(realmId));
            if (!row.keyId().isEmpty() && row.lastUsed() > 0) {
                keysUsedAt.merge(row.keyId(), row.lastUsed(), Math::max);
            }
        });
        keysUsedAt.forEach((keyId, at) -> store.keyUsedAt(realmId, keyId, at));
    }

    private <T> T inOwnTransaction(Function<KeycloakSession, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return KeycloakModelUtils.runJobInTransactionWithResult(factory, work::apply);
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS || !isConflict(e)) {
                    throw e;
                }
                LOG.debugf("Usage write met a concurrent writer (attempt %d), retrying: %s", attempt, e.getClass().getName());
            }
        }
    }

    /** A unique-key clash, deadlock or lock timeout: the database's way of saying "another writer". */
    private static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PersistenceException || t instanceof ModelException || t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }
}
