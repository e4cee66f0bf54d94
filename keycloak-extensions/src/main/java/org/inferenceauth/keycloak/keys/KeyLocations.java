package org.inferenceauth.keycloak.keys;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where this node last found each key: key id → realm, owner and credential id, the immutable part
 * of the key's index row. Why: with it, validating a key this node has seen reads nothing from the
 * database (the owner and credential come from Keycloak's user cache), and a database round trip
 * was the whole tail of introspection's latency (a PostgreSQL backend waits for a core on a busy
 * host; see {@code IntrospectionLatencyProbeIT}).
 *
 * <p>Safe without invalidation because a location never changes while the key exists: revoking or
 * deleting a key removes its credential, which Keycloak's user cache forgets on every node, so a
 * stale location leads to no credential, and {@link KeyValidity} then forgets the location and asks
 * the database. One instance per node ({@link #NODE}), bounded: when full, an arbitrary entry
 * makes room (a forgotten location costs one database read, not a wrong answer).
 */
final class KeyLocations {

    /** Enough for every key in active use on a large site; an entry is a few hundred bytes. */
    static final int DEFAULT_CAPACITY = 20_000;
    static final KeyLocations NODE = new KeyLocations(DEFAULT_CAPACITY);

    /** The immutable part of a key's index row. */
    record Location(String realmId, String userId, String credentialId) {}

    private final int capacity;
    private final Map<String, Location> byKeyId = new ConcurrentHashMap<>();

    KeyLocations(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    Optional<Location> get(String keyId) {
        return Optional.ofNullable(byKeyId.get(keyId));
    }

    void put(String keyId, Location location) {
        if (byKeyId.size() >= capacity && !byKeyId.containsKey(keyId)) {
            Iterator<String> any = byKeyId.keySet().iterator();
            if (any.hasNext()) {
                byKeyId.remove(any.next());
            }
        }
        byKeyId.put(keyId, location);
    }

    void forget(String keyId) {
        byKeyId.remove(keyId);
    }

    int size() {
        return byKeyId.size();
    }
}
