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
import org.inferenceauth.keycloak.limits.LimitSet;
import org.inferenceauth.keycloak.model.jpa.ApiKeyEntity;
import org.inferenceauth.keycloak.model.jpa.ApiKeyStore;
import org.inferenceauth.keycloak.usage.KeyUsage;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * What can be done with project API keys: minting, listing, revoking and validating. Used by the
 * REST resources, the key-for-token grant, the revocation listener and the required action.
 * Callers authenticate and authorise the caller; this class checks the request against the realm.
 * Whether a key may be used is {@link KeyValidity}'s decision; revocations go to {@link RevocationFeed}.
 */
public final class ApiKeyService {

    /** The claim that names the key in an access token obtained with it (the key-for-token grant). */
    public static final String TOKEN_KEY_ID_CLAIM = "api_key_id";
    /** The project of the key a token was obtained with (a claim of such tokens only). */
    public static final String TOKEN_PROJECT_CLAIM = "api_key_project";
    /** The user-session note that names the key in the (transient) session of the key-for-token grant. */
    public static final String SESSION_NOTE_KEY_ID = "api_key_id";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeySettings settings;
    private final ApiKeyStore store;
    private final Projects projects;
    private final KeyValidity validity;
    private final RevocationFeed feed;

    public ApiKeyService(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.settings = ApiKeySettings.of(realm);
        this.store = new ApiKeyStore(session);
        this.projects = new Projects(session, realm, settings);
        this.validity = new KeyValidity(session, realm, settings);
        this.feed = new RevocationFeed(session);
    }

    public ApiKeySettings settings() {
        return settings;
    }

    /** The inference API's base URL for usage examples, or why it is not set. */
    public ApiBaseUrl apiBaseUrl() {
        return ApiBaseUrl.of(realm);
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
        ApiKeyCredentialData data = new ApiKeyCredentialData(key.keyId(), project, scopes, expiresAt, request.createdBy(),
                request.limits().numbersByKey());
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
        return new MintedKey(view(ApiKeyCredentialModel.from(stored), null, KeyUsage.NONE), key.token());
    }

    /** The owner's keys, oldest first, without secrets, with their recent usage. */
    public List<ApiKeyView> list(UserModel owner) {
        Map<String, ApiKeyEntity> index = store.byUser(realm.getId(), owner.getId()).stream()
                .collect(Collectors.toMap(ApiKeyEntity::getKeyId, Function.identity()));
        Map<String, KeyUsage> usage = KeyUsage.lastDays(session, realm, index.keySet());
        return keyCredentials(owner)
                .sorted(Comparator.comparing(CredentialModel::getCreatedDate))
                .map(ApiKeyCredentialModel::from)
                .map(key -> view(key, index.get(key.data().keyId()), usage.getOrDefault(key.data().keyId(), KeyUsage.NONE)))
                .toList();
    }

    public List<ProjectOption> projectsOf(UserModel user) {
        return projects.of(user);
    }

    /** Revokes one of the owner's keys and announces it to gateways; {@code false} if the owner holds no key with that id. */
    public boolean revoke(UserModel owner, String keyId) {
        CredentialModel credential = keyId == null ? null : owner.credentialManager().getStoredCredentialById(keyId);
        if (credential == null || !ApiKeyCredentialModel.TYPE.equals(credential.getType())) {
            return false;
        }
        owner.credentialManager().removeStoredCredentialById(credential.getId());
        feed.keyRevoked(realm.getId(), ApiKeyCredentialModel.from(credential).data().keyId(), owner.getId());
        return true;
    }

    /**
     * The key's owner and metadata if the key is valid now: well-formed, issued in this realm, its
     * credential present with a matching digest, and {@link KeyValidity active}. Writes nothing: last use comes
     * from the gateways' usage batches (gateways cache introspection, so it would undercount anyway).
     * Reads nothing from the database for a key this node validated before ({@link KeyValidity#findRemembered}).
     */
    public Optional<ValidatedKey> validate(String token) {
        Optional<StoredKey> found = settings.format().parse(token).flatMap(parsed -> validity.findRemembered(parsed.keyId()));
        if (found.isEmpty() || !ApiKeyHasher.matches(token, found.get().credential().secret())
                || !validity.status(found.get()).isActive()) {
            return Optional.empty();
        }
        return Optional.of(validated(found.get()));
    }

    /** Whether the key with this id is valid now, by the same rule, without the key itself (re-check, derived tokens). */
    public boolean isActive(String keyId) {
        return findActive(keyId).isPresent();
    }

    /**
     * The key with this id if it is valid now, by the same rule, without the key itself: for tokens
     * obtained with a key, whose holder proved the key when the token was issued.
     */
    public Optional<ValidatedKey> findActive(String keyId) {
        return validity.find(keyId).filter(key -> validity.status(key).isActive()).map(ApiKeyService::validated);
    }

    private static ValidatedKey validated(StoredKey key) {
        ApiKeyCredentialData data = key.credential().data();
        return new ValidatedKey(key.owner(), data.keyId(), key.credential().getUserLabel(), data.project(),
                data.scopes(), key.credential().getCreatedDate() / 1000, data.expiresAt(), data.createdBy(),
                LimitSet.fromNumbers(data.limits()));
    }

    /**
     * Ids of the user's keys that their owner can no longer use because of group membership or roles
     * (left the key's project, lost the required role): after such a change, gateways must hear of them.
     */
    public List<String> keysWithoutAccess(UserModel user) {
        return keyCredentials(user).map(ApiKeyCredentialModel::from)
                .filter(key -> {
                    KeyStatus status = validity.status(user, key.data());
                    return status == KeyStatus.OWNER_LEFT_PROJECT || status == KeyStatus.OWNER_LACKS_ROLE;
                })
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

    static ApiKeyView view(ApiKeyCredentialModel key, ApiKeyEntity index, KeyUsage usage30d) {
        ApiKeyCredentialData data = key.data();
        return new ApiKeyView(data.keyId(), key.getId(), key.getUserLabel(), data.project(), data.scopes(),
                Instant.ofEpochMilli(key.getCreatedDate()),
                data.expiresAt() == null ? null : Instant.ofEpochSecond(data.expiresAt()),
                index == null || index.getLastUsedAt() == null ? null : Instant.ofEpochSecond(index.getLastUsedAt()),
                usage30d, LimitSet.fromNumbers(data.limits()));
    }
}
