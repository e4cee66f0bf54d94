package org.inferenceauth.keycloak.model.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * A gateway's usage batch that was stored: its id is remembered so that a retry or a replay adds
 * nothing. Written first in the batch's transaction, so two deliveries of one batch meet at this
 * primary key and only one of them commits.
 */
@Entity
@Table(name = "USAGE_BATCH")
@NamedQueries({
    @NamedQuery(name = "UsageBatchEntity.deleteRealm",
            query = "delete from UsageBatchEntity b where b.realmId = :realmId"),
    @NamedQuery(name = "UsageBatchEntity.purge",
            query = "delete from UsageBatchEntity b where b.realmId = :realmId and b.receivedAt < :before"),
    @NamedQuery(name = "UsageBatchEntity.lastReceived",
            query = "select max(b.receivedAt) from UsageBatchEntity b where b.realmId = :realmId"),
})
public class UsageBatchEntity {

    /** Realm id, {@code /}, batch id: batch ids are the gateways' and unique per realm only. */
    @Id
    @Column(name = "ID", length = 80)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "SOURCE", length = 64, nullable = false)
    private String source;

    @Column(name = "RECEIVED_AT", nullable = false)
    private long receivedAt;

    @Column(name = "ENTRIES", nullable = false)
    private int entries;

    protected UsageBatchEntity() {}

    public UsageBatchEntity(String realmId, String batchId, String source, long receivedAt, int entries) {
        this.id = id(realmId, batchId);
        this.realmId = realmId;
        this.source = source;
        this.receivedAt = receivedAt;
        this.entries = entries;
    }

    public static String id(String realmId, String batchId) {
        return realmId + "/" + batchId;
    }

    public String getId() { return id; }

    public String getSource() { return source; }

    public long getReceivedAt() { return receivedAt; }

    public int getEntries() { return entries; }
}
