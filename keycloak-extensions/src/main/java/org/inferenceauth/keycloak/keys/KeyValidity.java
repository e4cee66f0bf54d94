package org.inferenceauth.keycloak.keys;

import java.util.Optional;
import org.inferenceauth.keycloak.credential.ApiKeyCredentialData;
import org.inferenceauth.keycloak.credential.ApiKeyCredentialModel;
import org.inferenceauth.keycloak.model.jpa.ApiKeyEntity;
import org.inferenceauth.keycloak.model.jpa.ApiKeyStore;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The one answer to "may this key be used now?". Introspection, the gateways' re-check, the
 * key-for-token grant, the admin listing and the revocation listener all ask here, so they cannot
 * disagree. Whether a presented secret matches is the caller's separate question (only
 * introspection and the grant have a secret).
 */
final class KeyValidity {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeySettings settings;
    private final ApiKeyStore store;
    private final Projects projects;
    private final KeyLocations locations;

    KeyValidity(KeycloakSession session, RealmModel realm, ApiKeySettings settings) {
        this.session = session;
        this.realm = realm;
        this.settings = settings;
        this.store = new ApiKeyStore(session);
        this.projects = new Projects(session, realm, settings);
        this.locations = KeyLocations.NODE;
    }

    /**
     * The stored key with this id in this realm, from the database; empty if there is none or only
     * debris of one. The re-check and tokens obtained with a key ask here: it also catches a key
     * deleted behind Keycloak's back, which its user cache cannot see, and then forgets its location.
     */
    Optional<StoredKey> find(String keyId) {
        if (keyId == null) {
            return Optional.empty();
        }
        Optional<StoredKey> found = store.find(keyId).filter(e -> realm.getId().equals(e.getRealmId())).flatMap(this::load);
        if (found.isEmpty()) {
            locations.forget(keyId);
        }
        return found;
    }

    /**
     * The same, where a key is presented (introspection, the key-for-token grant): a key this node
     * found before is found again without the database ({@link KeyLocations}), its owner and
     * credential from Keycloak's user cache. If either is gone, the location is forgotten and the
     * database asked.
     */
    Optional<StoredKey> findRemembered(String keyId) {
        Optional<KeyLocations.Location> known = keyId == null ? Optional.empty() : locations.get(keyId);
        if (known.isPresent()) {
            if (!realm.getId().equals(known.get().realmId())) {
                return Optional.empty(); // a location never changes: another realm's key stays another realm's
            }
            Optional<StoredKey> found = resolve(keyId, known.get());
            if (found.isPresent()) {
                return found;
            }
            locations.forget(keyId);
        }
        return find(keyId);
    }

    /**
     * Joins an index row with its owner and credential. The credential is the truth: a row whose
     * credential is gone (possible only without the database's cascade) is debris and removed.
     */
    Optional<StoredKey> load(ApiKeyEntity index) {
        KeyLocations.Location location = new KeyLocations.Location(index.getRealmId(), index.getUserId(),
                index.getCredentialId());
        UserModel owner = session.users().getUserById(realm, index.getUserId());
        if (owner == null) {
            return Optional.empty();
        }
        Optional<StoredKey> found = resolve(index.getKeyId(), location, owner);
        if (found.isEmpty()) {
            store.forget(index);
            return Optional.empty();
        }
        locations.put(index.getKeyId(), location);
        return found;
    }

    private Optional<StoredKey> resolve(String keyId, KeyLocations.Location location) {
        UserModel owner = session.users().getUserById(realm, location.userId());
        return owner == null ? Optional.empty() : resolve(keyId, location, owner);
    }

    /** The owner's credential at {@code location}, if it still exists (from Keycloak's user cache). */
    private static Optional<StoredKey> resolve(String keyId, KeyLocations.Location location, UserModel owner) {
        CredentialModel stored = owner.credentialManager().getStoredCredentialById(location.credentialId());
        if (stored == null || !ApiKeyCredentialModel.TYPE.equals(stored.getType())) {
            return Optional.empty();
        }
        return Optional.of(new StoredKey(keyId, owner, ApiKeyCredentialModel.from(stored)));
    }

    KeyStatus status(StoredKey key) {
        return status(key.owner(), key.credential().data());
    }

    /** The rules, in one place; the first that fails names the status. */
    KeyStatus status(UserModel owner, ApiKeyCredentialData key) {
        if (!owner.isEnabled()) {
            return KeyStatus.OWNER_DISABLED;
        }
        if (owner.getServiceAccountClientLink() != null) {
            return KeyStatus.OWNER_IS_SERVICE_ACCOUNT;
        }
        if (!settings.mayUseApi(realm, owner)) {
            return KeyStatus.OWNER_LACKS_ROLE;
        }
        if (key.isExpiredAt(Time.currentTime())) {
            return KeyStatus.EXPIRED;
        }
        if (!projects.allows(owner, key.project())) {
            return KeyStatus.OWNER_LEFT_PROJECT;
        }
        return KeyStatus.ACTIVE;
    }
}
