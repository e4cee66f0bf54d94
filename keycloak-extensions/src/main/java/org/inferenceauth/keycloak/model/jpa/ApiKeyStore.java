package org.inferenceauth.keycloak.model.jpa;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.jpa.entities.UserEntity;

/** All reads and writes of the key index; callers never touch the {@link EntityManager}. */
public final class ApiKeyStore {

    private final EntityManager em;

    public ApiKeyStore(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /**
     * Adds the index row of a credential created in this transaction. Flushes first: the credential
     * row must be in the database before ours, whose foreign key points at it, and Hibernate does
     * not know about that dependency.
     */
    public void add(ApiKeyEntity key) {
        em.flush();
        em.persist(key);
        em.flush();
    }

    /**
     * Serialises mints of one user until the transaction ends (a row lock on Keycloak's user row),
     * so that concurrent requests cannot exceed the key limit or race on a name. Users of a
     * federation provider have no such row; their mints are not serialised.
     */
    public void lockOwner(String userId) {
        em.find(UserEntity.class, userId, LockModeType.PESSIMISTIC_WRITE);
    }

    public Optional<ApiKeyEntity> find(String keyId) {
        return Optional.ofNullable(em.find(ApiKeyEntity.class, keyId));
    }

    public List<ApiKeyEntity> byUser(String realmId, String userId) {
        return em.createNamedQuery("ApiKeyEntity.byUser", ApiKeyEntity.class)
                .setParameter("realmId", realmId).setParameter("userId", userId).getResultList();
    }

    public long countByUser(String realmId, String userId) {
        return em.createNamedQuery("ApiKeyEntity.countByUser", Long.class)
                .setParameter("realmId", realmId).setParameter("userId", userId).getSingleResult();
    }

    /** Removes a row whose credential is gone (only possible if the database lacks the cascade). */
    public void forget(ApiKeyEntity key) {
        em.remove(key);
    }

    /** Admin search; every criterion is optional, {@code name} matches a case-insensitive substring. */
    public List<ApiKeyEntity> search(String realmId, SearchCriteria criteria, int first, int max) {
        StringBuilder jpql = new StringBuilder("select k from ApiKeyEntity k where k.realmId = :realmId");
        List<Object[]> params = new ArrayList<>();
        params.add(new Object[] {"realmId", realmId});
        if (criteria.userId() != null) {
            jpql.append(" and k.userId = :userId");
            params.add(new Object[] {"userId", criteria.userId()});
        }
        if (criteria.project() != null) {
            jpql.append(" and k.project = :project");
            params.add(new Object[] {"project", criteria.project()});
        }
        if (criteria.keyId() != null) {
            jpql.append(" and k.keyId = :keyId");
            params.add(new Object[] {"keyId", criteria.keyId()});
        }
        if (criteria.name() != null) {
            jpql.append(" and lower(k.name) like :name");
            params.add(new Object[] {"name", "%" + criteria.name().toLowerCase() + "%"});
        }
        jpql.append(" order by k.createdAt desc, k.keyId");
        TypedQuery<ApiKeyEntity> query = em.createQuery(jpql.toString(), ApiKeyEntity.class);
        params.forEach(p -> query.setParameter((String) p[0], p[1]));
        return query.setFirstResult(first).setMaxResults(max).getResultList();
    }

    /** Filters of the admin search; {@code null} = any. */
    public record SearchCriteria(String userId, String project, String keyId, String name) {}
}
