package org.inferenceauth.gateway.migration;

import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.inferenceauth.gateway.auth.cache.KeyHash;
import org.inferenceauth.gateway.config.MigrationSettings.LegacyKey;

/**
 * The shared static keys of the open API, known only by their SHA-256. A presented credential is
 * hashed and compared with every entry in constant time, so neither the match nor its position
 * shows in the timing; a legacy key is recognised here and never sent to Keycloak.
 */
final class LegacyKeys {

    private final List<LegacyKey> keys;

    LegacyKeys(List<LegacyKey> keys) {
        this.keys = List.copyOf(keys);
    }

    boolean isEmpty() {
        return keys.isEmpty();
    }

    Optional<LegacyKey> match(String credential) {
        byte[] presented = KeyHash.digest(credential);
        LegacyKey found = null;
        for (LegacyKey key : keys) { // every entry, even after a match
            if (MessageDigest.isEqual(presented, key.sha256()) && found == null) {
                found = key;
            }
        }
        return Optional.ofNullable(found);
    }
}
