package org.inferenceauth.keycloak.model.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** One entry of the revocation feed gateways poll: a key revoked, a user disabled or deleted, or "re-check all". */
@Entity
@Table(name = "PROJECT_API_KEY_REVOCATION")
@NamedQueries({
    @NamedQuery(name = "RevocationEventEntity.since",
            query = "select e from RevocationEventEntity e where e.realmId = :realmId and e.id > :since order by e.id"),
    @NamedQuery(name = "RevocationEventEntity.latest",
            query = "select max(e.id) from RevocationEventEntity e where e.createdAt <= :settledBy"),
    @NamedQuery(name = "RevocationEventEntity.newest",
            query = "select max(e.id) from RevocationEventEntity e"),
    @NamedQuery(name = "RevocationEventEntity.purge",
            query = "delete from RevocationEventEntity e where e.realmId = :realmId and e.createdAt < :before"
                    + " and e.id < :newest"),
})
public class RevocationEventEntity {

    public static final String KEY_REVOKED = "key_revoked";
    public static final String USER_DISABLED = "user_disabled";
    public static final String USER_DELETED = "user_deleted";
    /** A realm-wide change: gateways re-check every key they hold (no key, no user). */
    public static final String RECHECK_ALL = "recheck_all";

    /** Monotonic, so it doubles as the feed's cursor. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "ID")
    private Long id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "TYPE", length = 32, nullable = false)
    private String type;

    @Column(name = "KEY_ID", length = 36)
    private String keyId;

    @Column(name = "USER_ID", length = 36)
    private String userId;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    protected RevocationEventEntity() {}

    public RevocationEventEntity(String realmId, String type, String keyId, String userId, long createdAt) {
        this.realmId = realmId;
        this.type = type;
        this.keyId = keyId;
        this.userId = userId;
        this.createdAt = createdAt;
    }

    public Long getId() { return id; }

    public String getRealmId() { return realmId; }

    public String getType() { return type; }

    public String getKeyId() { return keyId; }

    public String getUserId() { return userId; }

    public long getCreatedAt() { return createdAt; }
}
