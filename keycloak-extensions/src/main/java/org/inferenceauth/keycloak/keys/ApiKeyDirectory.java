package org.inferenceauth.keycloak.keys;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inferenceauth.keycloak.credential.ApiKeyCredentialModel;
import org.inferenceauth.keycloak.model.jpa.ApiKeyEntity;
import org.inferenceauth.keycloak.model.jpa.ApiKeyStore;
import org.inferenceauth.keycloak.usage.KeyUsage;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** Keys across users, for administrators: search and find by key id. Permissions are the caller's job. */
public final class ApiKeyDirectory {

    private static final int REINDEX_PAGE = 100;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeyStore store;
    private final KeyValidity validity;

    public ApiKeyDirectory(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.store = new ApiKeyStore(session);
        this.validity = new KeyValidity(session, realm, ApiKeySettings.of(realm));
    }

    /** Filters of a search; {@code null} = any. {@code user} is a user id or username. */
    public record Query(String user, String project, String keyId, String name) {}

    /** A key with its owner, and whether it may be used now (the same rule introspection applies). */
    public record OwnedKey(ApiKeyView key, UserModel owner, String createdBy, KeyStatus status) {}

    public List<OwnedKey> search(Query query, int first, int max) {
        String userId = null;
        if (query.user() != null) {
            Optional<UserModel> owner = user(query.user());
            if (owner.isEmpty()) {
                return List.of();
            }
            userId = owner.get().getId();
        }
        List<Indexed> keys = store.search(realm.getId(), new ApiKeyStore.SearchCriteria(userId, query.project(),
                        query.keyId(), query.name()), first, max).stream()
                .flatMap(index -> validity.load(index).map(key -> new Indexed(index, key)).stream())
                .toList();
        Map<String, KeyUsage> usage = KeyUsage.lastDays(session, realm,
                keys.stream().map(key -> key.index().getKeyId()).toList());
        return keys.stream().map(key -> owned(key, usage.getOrDefault(key.index().getKeyId(), KeyUsage.NONE))).toList();
    }

    /** From the database, not {@link KeyValidity#find}'s cache: an administrator sees the row's last use. */
    public Optional<OwnedKey> find(String keyId) {
        return store.find(keyId).filter(index -> realm.getId().equals(index.getRealmId()))
                .flatMap(index -> validity.load(index).map(key -> new Indexed(index, key)))
                .map(key -> owned(key,
                        KeyUsage.lastDays(session, realm, List.of(keyId)).getOrDefault(keyId, KeyUsage.NONE)));
    }

    /**
     * Re-creates missing index rows from the credentials, which are the truth. For operators who
     * dropped our tables (e.g. to get our foreign key out of a Keycloak migration's way): Liquibase
     * re-creates them empty on the next start, and this restores the index. Returns rows added.
     */
    public int reindex() {
        int added = 0;
        int first = 0;
        List<UserModel> page;
        do {
            page = session.users().searchForUserStream(realm, java.util.Map.of(), first, REINDEX_PAGE).toList();
            for (UserModel user : page) {
                added += reindex(user);
            }
            first += REINDEX_PAGE;
        } while (page.size() == REINDEX_PAGE);
        return added;
    }

    private int reindex(UserModel user) {
        int added = 0;
        for (CredentialModel stored : user.credentialManager()
                .getStoredCredentialsByTypeStream(ApiKeyCredentialModel.TYPE).toList()) {
            ApiKeyCredentialModel key = ApiKeyCredentialModel.from(stored);
            if (store.find(key.data().keyId()).isEmpty()) {
                store.add(new ApiKeyEntity(key.data().keyId(), stored.getId(), realm.getId(), user.getId(),
                        stored.getUserLabel(), key.data().project(), stored.getCreatedDate() / 1000, key.data().expiresAt()));
                added++;
            }
        }
        return added;
    }

    private Optional<UserModel> user(String idOrUsername) {
        UserModel user = session.users().getUserById(realm, idOrUsername);
        return Optional.ofNullable(user != null ? user : session.users().getUserByUsername(realm, idOrUsername));
    }

    /** A key with the index row it was found by (which holds its last use). */
    private record Indexed(ApiKeyEntity index, StoredKey key) {}

    private OwnedKey owned(Indexed found, KeyUsage usage30d) {
        StoredKey key = found.key();
        return new OwnedKey(ApiKeyService.view(key.credential(), found.index(), usage30d), key.owner(),
                key.credential().data().createdBy(), validity.status(key));
    }
}
