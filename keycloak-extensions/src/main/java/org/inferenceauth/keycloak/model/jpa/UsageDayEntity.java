package org.inferenceauth.keycloak.model.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One day's usage of one (realm, day, channel, user, project, key, client, model). The id is a
 * digest of those values, so one primary-key lookup finds the row and two writers of the same row
 * meet at the primary key; absent values are empty strings, never NULL (NULLs are never equal in a
 * unique key). {@code LAST_USED} is epoch seconds, 0 when unknown (no NULLs in the max update).
 */
@Entity
@Table(name = "USAGE_DAY")
@NamedQueries({
    @NamedQuery(name = "UsageDayEntity.add",
            query = "update UsageDayEntity u set u.requests = u.requests + :requests, u.refused = u.refused + :refused,"
                    + " u.promptTokens = u.promptTokens + :promptTokens,"
                    + " u.completionTokens = u.completionTokens + :completionTokens, u.logins = u.logins + :logins,"
                    + " u.lastUsed = case when u.lastUsed < :lastUsed then :lastUsed else u.lastUsed end"
                    + " where u.id = :id"),
    @NamedQuery(name = "UsageDayEntity.byUser",
            query = "select u from UsageDayEntity u where u.realmId = :realmId and u.userId = :userId"),
    @NamedQuery(name = "UsageDayEntity.deleteRealm",
            query = "delete from UsageDayEntity u where u.realmId = :realmId"),
    @NamedQuery(name = "UsageDayEntity.purge",
            query = "delete from UsageDayEntity u where u.realmId = :realmId and u.epochDay < :before"),
    @NamedQuery(name = "UsageDayEntity.activity",
            query = "select distinct u.userId, u.epochDay, u.channel from UsageDayEntity u"
                    + " where u.realmId = :realmId and u.epochDay between :from and :to"),
    @NamedQuery(name = "UsageDayEntity.firstDays",
            query = "select u.userId, min(u.epochDay) from UsageDayEntity u where u.realmId = :realmId"
                    + " group by u.userId having min(u.epochDay) between :from and :to"),
    @NamedQuery(name = "UsageDayEntity.keysSince",
            query = "select u.keyId, sum(u.requests), sum(u.promptTokens), sum(u.completionTokens) from UsageDayEntity u"
                    + " where u.realmId = :realmId and u.keyId in :keyIds and u.epochDay >= :from group by u.keyId"),
    @NamedQuery(name = "UsageDayEntity.userDays",
            query = "select u.epochDay, sum(u.requests), sum(u.promptTokens + u.completionTokens) from UsageDayEntity u"
                    + " where u.realmId = :realmId and u.userId = :userId and u.epochDay between :from and :to"
                    + " group by u.epochDay"),
    @NamedQuery(name = "UsageDayEntity.projectDays",
            query = "select u.project, u.epochDay, sum(u.requests), sum(u.promptTokens + u.completionTokens)"
                    + " from UsageDayEntity u where u.realmId = :realmId and u.project in :projects"
                    + " and u.epochDay between :from and :to group by u.project, u.epochDay"),
})
public class UsageDayEntity {

    @Id
    @Column(name = "ID", length = 43)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    /** Days since 1970-01-01 (UTC): portable, and free of the time-zone games of DATE columns. */
    @Column(name = "EPOCH_DAY", nullable = false)
    private long epochDay;

    @Column(name = "CHANNEL", length = 8, nullable = false)
    private String channel;

    @Column(name = "USER_ID", length = 255, nullable = false)
    private String userId;

    @Column(name = "PROJECT", length = 255, nullable = false)
    private String project;

    @Column(name = "KEY_ID", length = 255, nullable = false)
    private String keyId;

    @Column(name = "CLIENT_ID", length = 255, nullable = false)
    private String clientId;

    @Column(name = "MODEL", length = 255, nullable = false)
    private String model;

    @Column(name = "REQUESTS", nullable = false)
    private long requests;

    @Column(name = "REFUSED", nullable = false)
    private long refused;

    @Column(name = "PROMPT_TOKENS", nullable = false)
    private long promptTokens;

    @Column(name = "COMPLETION_TOKENS", nullable = false)
    private long completionTokens;

    @Column(name = "LOGINS", nullable = false)
    private long logins;

    @Column(name = "LAST_USED", nullable = false)
    private long lastUsed;

    protected UsageDayEntity() {}

    public UsageDayEntity(String id, String realmId, long epochDay, String channel, String userId, String project,
                          String keyId, String clientId, String model) {
        this.id = id;
        this.realmId = realmId;
        this.epochDay = epochDay;
        this.channel = channel;
        this.userId = userId;
        this.project = project;
        this.keyId = keyId;
        this.clientId = clientId;
        this.model = model;
    }

    public void setCounts(long requests, long refused, long promptTokens, long completionTokens, long logins, long lastUsed) {
        this.requests = requests;
        this.refused = refused;
        this.promptTokens = promptTokens;
        this.completionTokens = completionTokens;
        this.logins = logins;
        this.lastUsed = lastUsed;
    }

    public String getId() { return id; }

    public String getRealmId() { return realmId; }

    public long getEpochDay() { return epochDay; }

    public String getChannel() { return channel; }

    public String getUserId() { return userId; }

    public String getProject() { return project; }

    public String getKeyId() { return keyId; }

    public String getClientId() { return clientId; }

    public String getModel() { return model; }

    public long getRequests() { return requests; }

    public long getRefused() { return refused; }

    public long getPromptTokens() { return promptTokens; }

    public long getCompletionTokens() { return completionTokens; }

    public long getLogins() { return logins; }

    public long getLastUsed() { return lastUsed; }
}
