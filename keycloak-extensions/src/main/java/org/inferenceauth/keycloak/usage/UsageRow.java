package org.inferenceauth.keycloak.usage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.Base64;
import org.inferenceauth.keycloak.model.jpa.UsageDayEntity;

/**
 * Counts to add to one day's row: the row's dimensions (absent ones are empty strings) and the
 * counters. {@code lastUsed} is epoch seconds, 0 when unknown.
 */
public record UsageRow(LocalDate day, String channel, String userId, String project, String keyId, String clientId,
                       String model, long requests, long refused, long promptTokens, long completionTokens,
                       long logins, long lastUsed) {

    public static final String API = "api";
    public static final String UI = "ui";

    /** One web-UI login of {@code userId} through {@code clientId}. */
    public static UsageRow login(LocalDate day, String userId, String clientId, long at) {
        return new UsageRow(day, UI, userId, "", "", clientId, "", 0, 0, 0, 0, 1, at);
    }

    /**
     * The row's id in {@code realmId}: a digest of every dimension, each length-prefixed so that no
     * two different rows can write the same input. Unguessable without all dimensions, never decoded.
     */
    public String rowId(String realmId) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String part : new String[] {realmId, day.toString(), channel, userId, project, keyId, clientId, model}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha256.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) ':');
            sha256.update(bytes);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest());
    }

    /** The same row with {@code other}'s counts added (same dimensions assumed); the later last use. */
    public UsageRow plus(UsageRow other) {
        return new UsageRow(day, channel, userId, project, keyId, clientId, model,
                Math.addExact(requests, other.requests), Math.addExact(refused, other.refused),
                Math.addExact(promptTokens, other.promptTokens), Math.addExact(completionTokens, other.completionTokens),
                Math.addExact(logins, other.logins), Math.max(lastUsed, other.lastUsed));
    }

    /** The same counts for another person (a pseudonym). */
    public UsageRow forUser(String otherUserId) {
        return new UsageRow(day, channel, otherUserId, project, keyId, clientId, model,
                requests, refused, promptTokens, completionTokens, logins, lastUsed);
    }

    /** A new entity for this row, holding these counts (the delta {@code UsageStore.add} applies). */
    public UsageDayEntity toEntity(String realmId) {
        UsageDayEntity entity = new UsageDayEntity(rowId(realmId), realmId, day.toEpochDay(), channel, userId,
                project, keyId, clientId, model);
        entity.setCounts(requests, refused, promptTokens, completionTokens, logins, lastUsed);
        return entity;
    }

    public static UsageRow of(UsageDayEntity e) {
        return new UsageRow(LocalDate.ofEpochDay(e.getEpochDay()), e.getChannel(), e.getUserId(), e.getProject(),
                e.getKeyId(), e.getClientId(), e.getModel(), e.getRequests(), e.getRefused(), e.getPromptTokens(),
                e.getCompletionTokens(), e.getLogins(), e.getLastUsed());
    }
}
