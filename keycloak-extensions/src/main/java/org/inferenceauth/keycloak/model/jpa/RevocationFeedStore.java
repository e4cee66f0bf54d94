package org.inferenceauth.keycloak.model.jpa;

import jakarta.persistence.EntityManager;
import java.util.List;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/** The revocation feed's table, used only by {@code keys.RevocationFeed}: append, read by cursor, purge. */
public final class RevocationFeedStore {

    private final EntityManager em;

    public RevocationFeedStore(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    public void append(String realmId, String type, String keyId, String userId) {
        em.persist(new RevocationEventEntity(realmId, type, keyId, userId, Time.currentTime()));
    }

    public List<RevocationEventEntity> since(String realmId, long cursor, int max) {
        return em.createNamedQuery("RevocationEventEntity.since", RevocationEventEntity.class)
                .setParameter("realmId", realmId).setParameter("since", cursor)
                .setMaxResults(max).getResultList();
    }

    /** The highest id (of any realm: ids are global) created at or before {@code settledBy}, 0 if none. */
    public long latestCursor(long settledBy) {
        Long max = em.createNamedQuery("RevocationEventEntity.latest", Long.class)
                .setParameter("settledBy", settledBy).getSingleResult();
        return max == null ? 0 : max;
    }

    /** The highest id of any realm, 0 if the table is empty. */
    public long newestId() {
        Long max = em.createNamedQuery("RevocationEventEntity.newest", Long.class).getSingleResult();
        return max == null ? 0 : max;
    }

    /**
     * Deletes one realm's entries older than {@code beforeSeconds} (each realm keeps its own
     * retention), except the newest entry of the table: while it stays, ids never restart (some
     * databases restart an empty table's identity on a restart) and no cursor handed out passes it.
     */
    public int purge(String realmId, long beforeSeconds) {
        return em.createNamedQuery("RevocationEventEntity.purge")
                .setParameter("realmId", realmId).setParameter("before", beforeSeconds)
                .setParameter("newest", newestId()).executeUpdate();
    }
}
