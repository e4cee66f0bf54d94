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

    KeyValidity(KeycloakSession session, RealmModel realm, ApiKeySettings settings) {
        this.session = session;
        this.realm = realm;
        this.settings = settings;
        this.store = new ApiKeyStore(session);
        this.projects = new Projects(session, realm, settings);
    }

    /** The stored key with this id in this realm; empty if there is none or only debris of one. */
    Optional<StoredKey> find(String keyId) {
        return keyId == null ? Optional.empty()
                : store.find(keyId).filter(e -> realm.getId().equals(e.getRealmId())).flatMap(this::load);
    }

    /**
     * Joins an index row with its owner and credential. The credential is the truth: a row whose
     * credential is gone (possible only without the database's cascade) is debris and removed.
     */
    Optional<StoredKey> load(ApiKeyEntity index) {
        UserModel owner = session.users().getUserById(realm, index.getUserId());
        if (owner == null) {
            return Optional.empty();
        }
        CredentialModel stored = owner.credentialManager().getStoredCredentialById(index.getCredentialId());
        if (stored == null || !ApiKeyCredentialModel.TYPE.equals(stored.getType())) {
            store.forget(index);
            return Optional.empty();
        }
        return Optional.of(new StoredKey(index, owner, ApiKeyCredentialModel.from(stored)));
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
