package org.inferenceauth.keycloak.model.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * The lookup index of project API keys: key id → realm, user, credential. The credential stays the
 * truth (its digest, expiry and label); this row exists so that a key is found with one primary-key
 * read (introspection remembers the immutable columns per node and then needs none:
 * {@code keys.KeyLocations}), admins can search keys across users, and last-used times (from the gateways' usage batches)
 * are written here, never into Keycloak's {@code CREDENTIAL} table (whose writes invalidate the user
 * cache cluster-wide).
 *
 * <p>{@code CREDENTIAL_ID} has a foreign key to {@code CREDENTIAL(ID)} with {@code ON DELETE CASCADE}:
 * every way Keycloak deletes a credential (consoles, user deletion, realm deletion) removes the row.
 */
@Entity
@Table(name = "PROJECT_API_KEY")
@NamedQueries({
    @NamedQuery(name = "ApiKeyEntity.byUser",
            query = "select k from ApiKeyEntity k where k.realmId = :realmId and k.userId = :userId order by k.createdAt"),
    @NamedQuery(name = "ApiKeyEntity.countByUser",
            query = "select count(k) from ApiKeyEntity k where k.realmId = :realmId and k.userId = :userId"),
    @NamedQuery(name = "ApiKeyEntity.usedAt",
            query = "update ApiKeyEntity k set k.lastUsedAt = :at where k.keyId = :keyId and k.realmId = :realmId"
                    + " and (k.lastUsedAt is null or k.lastUsedAt < :at)"),
})
public class ApiKeyEntity {

    @Id
    @Column(name = "KEY_ID", length = 36)
    private String keyId;

    @Column(name = "CREDENTIAL_ID", length = 36, nullable = false)
    private String credentialId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "USER_ID", length = 36, nullable = false)
    private String userId;

    @Column(name = "NAME", length = 255, nullable = false)
    private String name;

    @Column(name = "PROJECT", length = 255, nullable = false)
    private String project;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "EXPIRES_AT")
    private Long expiresAt;

    @Column(name = "LAST_USED_AT")
    private Long lastUsedAt;

    protected ApiKeyEntity() {}

    public ApiKeyEntity(String keyId, String credentialId, String realmId, String userId, String name,
                        String project, long createdAt, Long expiresAt) {
        this.keyId = keyId;
        this.credentialId = credentialId;
        this.realmId = realmId;
        this.userId = userId;
        this.name = name;
        this.project = project;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    public String getKeyId() { return keyId; }

    public String getCredentialId() { return credentialId; }

    public String getRealmId() { return realmId; }

    public String getUserId() { return userId; }

    public String getName() { return name; }

    public String getProject() { return project; }

    /** Epoch seconds. */
    public long getCreatedAt() { return createdAt; }

    /** Epoch seconds, or {@code null}. */
    public Long getExpiresAt() { return expiresAt; }

    /** Epoch seconds, or {@code null} if never used. */
    public Long getLastUsedAt() { return lastUsedAt; }
}
