package org.inferenceauth.keycloak.keys;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.inferenceauth.keycloak.model.jpa.RevocationEventEntity;
import org.inferenceauth.keycloak.model.jpa.RevocationFeedStore;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The revocation feed gateways poll, and the only class that writes or reads it: what enters it,
 * the cursor, the replay window and the retention. Resources and event listeners announce
 * revocations here; an announcement is written in the caller's transaction, and a key announced
 * twice in one transaction (our REST API revokes, then the user event it emits reaches the
 * listener) is written once.
 */
public final class RevocationFeed {

    /** Most entries in one page. */
    public static final int MAX_PAGE = 1000;
    /** A returned cursor never passes an entry younger than this (see {@link #since}). */
    static final int REPLAY_SECONDS = 2;
    /** Deletes of old entries run at most this often per realm and node, on a read (no scheduler needed). */
    private static final int PURGE_INTERVAL_SECONDS = 60;
    private static final ConcurrentMap<String, Long> LAST_PURGE = new ConcurrentHashMap<>();
    private static final String ANNOUNCED = RevocationFeed.class.getName() + ".announced";

    /**
     * One entry: {@code type} is {@code key_revoked}, {@code user_disabled}, {@code user_deleted}, or
     * {@code recheck_all} (no key, no user: re-check every key).
     */
    public record Entry(String type, String keyId, String userId) {}

    /**
     * Entries after a cursor, and the cursor to ask with next time. {@code reset}: the cursor asked
     * with was beyond the newest entry, so the feed was re-created since it was handed out; this page
     * starts from the feed's beginning instead (see {@link #since}).
     */
    public record Page(String cursor, List<Entry> entries, boolean reset) {}

    private final KeycloakSession session;
    private final RevocationFeedStore store;

    public RevocationFeed(KeycloakSession session) {
        this.session = session;
        this.store = new RevocationFeedStore(session);
    }

    /** A key stopped working (revoked, deleted, or its owner lost access to it). */
    public void keyRevoked(String realmId, String keyId, String userId) {
        if (firstInTransaction(realmId + "/" + keyId)) {
            store.append(realmId, RevocationEventEntity.KEY_REVOKED, keyId, userId);
        }
    }

    /**
     * Something changed that may make keys of any user stop validating (see the event listener's
     * {@code RealmWideChange}): gateways re-check every key they hold. Once per transaction.
     */
    public void recheckAll(String realmId) {
        if (firstInTransaction(realmId + "/" + RevocationEventEntity.RECHECK_ALL)) {
            store.append(realmId, RevocationEventEntity.RECHECK_ALL, null, null);
        }
    }

    public void userDisabled(String realmId, String userId) {
        store.append(realmId, RevocationEventEntity.USER_DISABLED, null, userId);
    }

    public void userDeleted(String realmId, String userId) {
        store.append(realmId, RevocationEventEntity.USER_DELETED, null, userId);
    }

    /**
     * A realm was deleted: its entries go with it (no gateway can read them any more), in the
     * deleting transaction, but for the table's newest entry, which keeps every other realm's cursors valid.
     */
    public void realmRemoved(String realmId) {
        store.purge(realmId, Long.MAX_VALUE);
        LAST_PURGE.remove(realmId);
    }

    /** Where a new reader starts: the current cursor, no entries. */
    public Page start() {
        return new Page(Long.toString(store.latestCursor(Time.currentTime() - REPLAY_SECONDS)), List.of(), false);
    }

    /**
     * The realm's entries after {@code cursor}. Delivery is at-least-once: ids come from a sequence,
     * so a transaction that took a lower id may commit after a higher one is visible. The returned
     * cursor therefore never passes an entry younger than {@value #REPLAY_SECONDS} s: recent entries
     * come again on the next poll (gateways evict idempotently) instead of a late commit being skipped.
     *
     * <p>A cursor beyond the newest entry cannot come from this feed as it is: the purge always keeps
     * the newest entry, so the table was re-created and its ids restarted (e.g. after an operator
     * dropped our tables). Answering "nothing new" would make such a reader skip every entry until
     * the ids catch up with its cursor; instead every entry of the new table is new to it, so the
     * page starts from the beginning, marked {@code reset}.
     *
     * @throws ApiKeyException {@code invalid_request} for anything this feed never handed out as a cursor
     */
    public Page since(RealmModel realm, String cursor) {
        long from = parse(cursor);
        purgeNowAndThen(realm);
        boolean reset = from > store.newestId();
        if (reset) {
            from = 0;
        }
        List<RevocationEventEntity> events = store.since(realm.getId(), from, MAX_PAGE);
        long settledBy = Time.currentTime() - REPLAY_SECONDS;
        long next = from;
        for (RevocationEventEntity event : events) {
            if (event.getCreatedAt() > settledBy) {
                break;
            }
            next = event.getId();
        }
        if (events.size() == MAX_PAGE && next == from) {
            next = events.get(events.size() - 1).getId(); // a full page of recent entries: move on
        }
        return new Page(Long.toString(next), events.stream()
                .map(e -> new Entry(e.getType(), e.getKeyId(), e.getUserId())).toList(), reset);
    }

    private static long parse(String cursor) {
        try {
            long value = Long.parseLong(cursor);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiKeyException.invalid("since must be a cursor of this feed.");
    }

    /** Each realm keeps its own retention; two nodes purging at once is harmless. */
    private void purgeNowAndThen(RealmModel realm) {
        long now = Time.currentTime();
        Long last = LAST_PURGE.get(realm.getId());
        if (last == null || now - last >= PURGE_INTERVAL_SECONDS) {
            LAST_PURGE.put(realm.getId(), now);
            store.purge(realm.getId(), now - ApiKeySettings.of(realm).feedRetention());
        }
    }

    @SuppressWarnings("unchecked")
    private boolean firstInTransaction(String what) {
        Set<String> announced = session.getAttribute(ANNOUNCED, Set.class);
        if (announced == null) {
            announced = new HashSet<>();
            session.setAttribute(ANNOUNCED, announced);
        }
        return announced.add(what);
    }
}
