package org.inferenceauth.keycloak.model.jpa;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/** All reads and writes of the usage tables; callers never touch the {@link EntityManager}. */
public final class UsageStore {

    private final EntityManager em;

    public UsageStore(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    public boolean isRemembered(String realmId, String batchId) {
        return em.find(UsageBatchEntity.class, UsageBatchEntity.id(realmId, batchId)) != null;
    }

    /**
     * Writes the batch id now: a concurrent delivery of the same batch waits here for this
     * transaction, then fails on the primary key (and is retried, then answered as a duplicate).
     */
    public void remember(UsageBatchEntity batch) {
        em.persist(batch);
        em.flush();
    }

    /**
     * Adds {@code delta}'s counts to its row, or creates the row with them. The update is an atomic
     * increment (no lost updates); two transactions creating one row meet at its primary key and the
     * loser fails at this flush, for the caller to retry its whole transaction.
     */
    public void add(UsageDayEntity delta) {
        int updated = em.createNamedQuery("UsageDayEntity.add")
                .setParameter("requests", delta.getRequests())
                .setParameter("refused", delta.getRefused())
                .setParameter("promptTokens", delta.getPromptTokens())
                .setParameter("completionTokens", delta.getCompletionTokens())
                .setParameter("logins", delta.getLogins())
                .setParameter("lastUsed", delta.getLastUsed())
                .setParameter("id", delta.getId())
                .executeUpdate();
        if (updated == 0) {
            em.persist(delta);
            em.flush();
        }
    }

    /** Moves a key's last use forward (never back); a key of another realm is left alone. */
    public void keyUsedAt(String realmId, String keyId, long epochSeconds) {
        em.createNamedQuery("ApiKeyEntity.usedAt")
                .setParameter("realmId", realmId).setParameter("keyId", keyId).setParameter("at", epochSeconds)
                .executeUpdate();
    }

    public List<UsageDayEntity> byUser(String realmId, String userId) {
        return em.createNamedQuery("UsageDayEntity.byUser", UsageDayEntity.class)
                .setParameter("realmId", realmId).setParameter("userId", userId).getResultList();
    }

    /** Replaces a row by one of another identity (same counts), e.g. under a pseudonym. */
    public void replace(UsageDayEntity old, UsageDayEntity replacement) {
        em.remove(old);
        em.flush();
        em.persist(replacement);
    }

    public void deleteRealm(String realmId) {
        em.createNamedQuery("UsageDayEntity.deleteRealm").setParameter("realmId", realmId).executeUpdate();
        em.createNamedQuery("UsageBatchEntity.deleteRealm").setParameter("realmId", realmId).executeUpdate();
    }

    /** Deletes rows of days before {@code beforeDay} and batch ids received before {@code batchesBefore}. */
    public Purged purge(String realmId, long beforeDay, long batchesBefore) {
        int rows = em.createNamedQuery("UsageDayEntity.purge")
                .setParameter("realmId", realmId).setParameter("before", beforeDay).executeUpdate();
        int batches = em.createNamedQuery("UsageBatchEntity.purge")
                .setParameter("realmId", realmId).setParameter("before", batchesBefore).executeUpdate();
        return new Purged(rows, batches);
    }

    public record Purged(int rows, int batches) {}

    /** Distinct (user id, epoch day, channel) with any activity in the range. */
    public List<Object[]> activity(String realmId, long fromDay, long toDay) {
        return em.createNamedQuery("UsageDayEntity.activity", Object[].class)
                .setParameter("realmId", realmId).setParameter("from", fromDay).setParameter("to", toDay)
                .getResultList();
    }

    /** (user id, first epoch day) of the users whose first activity falls in the range. */
    public List<Object[]> firstDays(String realmId, long fromDay, long toDay) {
        return em.createNamedQuery("UsageDayEntity.firstDays", Object[].class)
                .setParameter("realmId", realmId).setParameter("from", fromDay).setParameter("to", toDay)
                .getResultList();
    }

    /** (key id, requests, prompt tokens, completion tokens) per key since {@code fromDay}. */
    public List<Object[]> keysSince(String realmId, Collection<String> keyIds, long fromDay) {
        if (keyIds.isEmpty()) {
            return List.of();
        }
        return em.createNamedQuery("UsageDayEntity.keysSince", Object[].class)
                .setParameter("realmId", realmId).setParameter("keyIds", keyIds).setParameter("from", fromDay)
                .getResultList();
    }

    /** (epoch day, requests, total tokens) of one user per day in the range; days without usage are absent. */
    public List<Object[]> userDays(String realmId, String userId, long fromDay, long toDay) {
        return em.createNamedQuery("UsageDayEntity.userDays", Object[].class)
                .setParameter("realmId", realmId).setParameter("userId", userId)
                .setParameter("from", fromDay).setParameter("to", toDay)
                .getResultList();
    }

    /** (project, epoch day, requests, total tokens) of these projects per day in the range. */
    public List<Object[]> projectDays(String realmId, Collection<String> projects, long fromDay, long toDay) {
        if (projects.isEmpty()) {
            return List.of();
        }
        return em.createNamedQuery("UsageDayEntity.projectDays", Object[].class)
                .setParameter("realmId", realmId).setParameter("projects", projects)
                .setParameter("from", fromDay).setParameter("to", toDay)
                .getResultList();
    }

    /** When the realm last received a gateway's usage batch (epoch seconds), empty if never (in the kept batch ids). */
    public OptionalLong lastBatchReceivedAt(String realmId) {
        Object at = em.createNamedQuery("UsageBatchEntity.lastReceived")
                .setParameter("realmId", realmId).getSingleResult();
        return at == null ? OptionalLong.empty() : OptionalLong.of(((Number) at).longValue());
    }

    /**
     * Sums of the counters grouped by {@code columns} (entity fields of {@link UsageDayEntity}, from a
     * fixed list the caller owns: never user input), in the range, optionally of one user. Each
     * result: the column values, then requests, refused, prompt tokens, completion tokens, logins.
     */
    public List<Object[]> totals(String realmId, List<String> columns, long fromDay, long toDay, String userId) {
        String groups = columns.stream().map(c -> "u." + c).reduce((a, b) -> a + ", " + b).orElse("");
        StringBuilder jpql = new StringBuilder("select ");
        if (!groups.isEmpty()) {
            jpql.append(groups).append(", ");
        }
        jpql.append("sum(u.requests), sum(u.refused), sum(u.promptTokens), sum(u.completionTokens), sum(u.logins)")
                .append(" from UsageDayEntity u where u.realmId = :realmId and u.epochDay between :from and :to");
        if (userId != null) {
            jpql.append(" and u.userId = :userId");
        }
        if (!groups.isEmpty()) {
            jpql.append(" group by ").append(groups);
        }
        TypedQuery<Object[]> query = em.createQuery(jpql.toString(), Object[].class)
                .setParameter("realmId", realmId).setParameter("from", fromDay).setParameter("to", toDay);
        if (userId != null) {
            query.setParameter("userId", userId);
        }
        return query.getResultList();
    }
}
