package org.inferenceauth.keycloak.keys;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.inferenceauth.apikey.format.ParsedApiKey;
import org.inferenceauth.keycloak.credential.ApiKeyCredentialData;
import org.inferenceauth.keycloak.credential.ApiKeyCredentialModel;
import org.inferenceauth.keycloak.model.jpa.ApiKeyEntity;
import org.inferenceauth.keycloak.model.jpa.ApiKeyStore;
import org.inferenceauth.keycloak.model.jpa.RevocationEventEntity;
import org.inferenceauth.keycloak.model.jpa.RevocationFeedStore;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The one place the rules of project API keys live: minting, listing, revoking and validating.
 * Used by the REST resources, the key-for-token grant and the account console's required action.
 * Callers authenticate and authorise the caller; this class checks the request against the realm.
 */
public final class ApiKeyService {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeySettings settings;
    private final ApiKeyStore store;
    private final Projects projects;

    public ApiKeyService(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.settings = ApiKeySettings.of(realm);
        this.store = new ApiKeyStore(session);
        this.projects = new Projects(session, realm, settings);
    }

    public ApiKeySettings settings() {
        return settings;
    }

    /**
     * Mints a key for {@code owner}. The returned key string is the only copy: only its digest is stored.
     *
     * @throws ApiKeyException {@code invalid_request} (400), {@code project_not_allowed} (403),
     *                         {@code name_taken} (409) or {@code key_limit_reached} (409)
     */
    public MintedKey mint(UserModel owner, MintRequest request) {
        Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());
        String name = MintRules.name(request.name());
        String project = request.project() == null || request.project().isBlank()
                ? ProjectOption.PERSONAL : request.project().strip();
        List<String> scopes = MintRules.scopes(request.scopes());
        Long expiresAt = MintRules.expiry(request.expiresAt(), now, settings);
        if (!projects.allows(owner, project)) {
            throw new ApiKeyException(ApiKeyException.PROJECT_NOT_ALLOWED, 403, "You are not a member of that project.");
        }
        store.lockOwner(owner.getId());
        if (keyCredentials(owner).anyMatch(c -> name.equalsIgnoreCase(c.getUserLabel()))) {
            throw new ApiKeyException(ApiKeyException.NAME_TAKEN, 409, "You already have a key with that name.");
        }
        if (store.countByUser(realm.getId(), owner.getId()) >= settings.maxKeys()) {
            throw new ApiKeyException(ApiKeyException.KEY_LIMIT_REACHED, 409,
                    "You hold the maximum of " + settings.maxKeys() + " keys; revoke one first.");
        }

        ParsedApiKey key = settings.format().generate();
        ApiKeyCredentialData data = new ApiKeyCredentialData(key.keyId(), project, scopes, expiresAt, request.createdBy());
        ApiKeyCredentialModel credential = ApiKeyCredentialModel.create(name, data, ApiKeyHasher.digest(key.token()),
                now.toEpochMilli());
        CredentialModel stored;
        try {
            stored = credentialProvider().createCredential(realm, owner, credential);
        } catch (ModelDuplicateException raced) {
            throw new ApiKeyException(ApiKeyException.NAME_TAKEN, 409, "You already have a key with that name.");
        }
        store.add(new ApiKeyEntity(key.keyId(), stored.getId(), realm.getId(), owner.getId(), name, project,
                now.getEpochSecond(), expiresAt));
        return new MintedKey(view(ApiKeyCredentialModel.from(stored), null), key.token());
    }

    /** The owner's keys, oldest first, without secrets. */
    public List<ApiKeyView> list(UserModel owner) {
        Map<String, ApiKeyEntity> index = store.byUser(realm.getId(), owner.getId()).stream()
                .collect(Collectors.toMap(ApiKeyEntity::getKeyId, Function.identity()));
        return keyCredentials(owner)
                .sorted(Comparator.comparing(CredentialModel::getCreatedDate))
                .map(ApiKeyCredentialModel::from)
                .map(key -> view(key, index.get(key.data().keyId())))
                .toList();
    }

    public List<ProjectOption> projectsOf(UserModel user) {
        return projects.of(user);
    }

    /** Revokes one of the owner's keys; {@code false} if the owner holds no key with that id. */
    public boolean revoke(UserModel owner, String keyId) {
        CredentialModel credential = keyId == null ? null : owner.credentialManager().getStoredCredentialById(keyId);
        if (credential == null || !ApiKeyCredentialModel.TYPE.equals(credential.getType())) {
            return false;
        }
        owner.credentialManager().removeStoredCredentialById(credential.getId());
        new RevocationFeedStore(session).append(realm.getId(), RevocationEventEntity.KEY_REVOKED,
                ApiKeyCredentialModel.from(credential).data().keyId(), owner.getId());
        return true;
    }

    /**
     * The key's owner and metadata if the key is valid now: well-formed, issued in this realm, its
     * credential present with a matching digest, not expired, its owner enabled and still a member
     * of the key's project. Records the use.
     */
    public Optional<ValidatedKey> validate(String token) {
        Optional<ParsedApiKey> parsed = settings.format().parse(token);
        Optional<ApiKeyEntity> entry = parsed.flatMap(p -> store.find(p.keyId()))
                .filter(e -> realm.getId().equals(e.getRealmId()));
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        ApiKeyEntity index = entry.get();
        UserModel user = session.users().getUserById(realm, index.getUserId());
        if (user == null || !user.isEnabled() || user.getServiceAccountClientLink() != null) {
            return Optional.empty();
        }
        CredentialModel stored = user.credentialManager().getStoredCredentialById(index.getCredentialId());
        if (stored == null || !ApiKeyCredentialModel.TYPE.equals(stored.getType())) {
            store.forget(index); // the credential is the truth; a row without one is debris
            return Optional.empty();
        }
        ApiKeyCredentialModel key = ApiKeyCredentialModel.from(stored);
        long now = Time.currentTime();
        if (!ApiKeyHasher.matches(token, key.secret()) || key.data().isExpiredAt(now)
                || !projects.allows(user, key.data().project())) {
            return Optional.empty();
        }
        if (index.getLastUsedAt() == null || now - index.getLastUsedAt() >= settings.lastUsedThrottle()) {
            store.touch(index.getKeyId(), now, settings.lastUsedThrottle()); // conditional: one writer wins
        }
        ApiKeyCredentialData data = key.data();
        return Optional.of(new ValidatedKey(user, data.keyId(), key.getUserLabel(), data.project(), data.scopes(),
                key.getCreatedDate() / 1000, data.expiresAt(), data.createdBy()));
    }

    /** Whether the key with this id is still valid, without the key itself (the gateway's re-check). */
    public boolean isActive(String keyId) {
        Optional<ApiKeyEntity> index = store.find(keyId).filter(e -> realm.getId().equals(e.getRealmId()));
        if (index.isEmpty()) {
            return false;
        }
        UserModel user = session.users().getUserById(realm, index.get().getUserId());
        if (user == null || !user.isEnabled()) {
            return false;
        }
        CredentialModel stored = user.credentialManager().getStoredCredentialById(index.get().getCredentialId());
        if (stored == null || !ApiKeyCredentialModel.TYPE.equals(stored.getType())) {
            return false;
        }
        ApiKeyCredentialData data = ApiKeyCredentialModel.from(stored).data();
        return !data.isExpiredAt(Time.currentTime()) && projects.allows(user, data.project());
    }

    /** Ids of the user's keys whose project the user no longer belongs to (after leaving a group). */
    public List<String> keysOutsideProjects(UserModel user) {
        return keyCredentials(user).map(ApiKeyCredentialModel::from)
                .filter(key -> !projects.allows(user, key.data().project()))
                .map(key -> key.data().keyId())
                .toList();
    }

    private java.util.stream.Stream<CredentialModel> keyCredentials(UserModel owner) {
        return owner.credentialManager().getStoredCredentialsByTypeStream(ApiKeyCredentialModel.TYPE);
    }

    @SuppressWarnings("unchecked")
    private CredentialProvider<ApiKeyCredentialModel> credentialProvider() {
        return session.getProvider(CredentialProvider.class, ApiKeyCredentialModel.TYPE);
    }

    static ApiKeyView view(ApiKeyCredentialModel key, ApiKeyEntity index) {
        ApiKeyCredentialData data = key.data();
        return new ApiKeyView(data.keyId(), key.getId(), key.getUserLabel(), data.project(), data.scopes(),
                Instant.ofEpochMilli(key.getCreatedDate()),
                data.expiresAt() == null ? null : Instant.ofEpochSecond(data.expiresAt()),
                index == null || index.getLastUsedAt() == null ? null : Instant.ofEpochSecond(index.getLastUsedAt()));
    }
}
