package org.inferenceauth.keycloak.credential;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.keycloak.credential.CredentialModel;
import org.keycloak.util.JsonSerialization;

/** One project API key as a Keycloak credential: label = key name, public data, digest as secret data. */
public final class ApiKeyCredentialModel extends CredentialModel {

    public static final String TYPE = "project-api-key";

    private final ApiKeyCredentialData data;
    private final ApiKeySecretData secret;

    private ApiKeyCredentialModel(ApiKeyCredentialData data, ApiKeySecretData secret) {
        this.data = data;
        this.secret = secret;
    }

    /**
     * A new key credential. The credential id is the key id: credential-removal events carry only the
     * credential id, and the index row is gone by then (cascade), so this is how the revocation feed
     * can still name the key.
     */
    public static ApiKeyCredentialModel create(String name, ApiKeyCredentialData data, ApiKeySecretData secret,
                                               long createdAtMillis) {
        ApiKeyCredentialModel model = new ApiKeyCredentialModel(data, secret);
        model.setId(data.keyId());
        model.setType(TYPE);
        model.setUserLabel(name);
        model.setCreatedDate(createdAtMillis);
        model.setCredentialData(write(data));
        model.setSecretData(write(secret));
        return model;
    }

    /** Reads a stored credential; {@code secretData} may be null (presentation copies). */
    public static ApiKeyCredentialModel from(CredentialModel stored) {
        ApiKeyCredentialData data = read(stored.getCredentialData(), ApiKeyCredentialData.class);
        ApiKeySecretData secret = stored.getSecretData() == null ? null
                : read(stored.getSecretData(), ApiKeySecretData.class);
        ApiKeyCredentialModel model = new ApiKeyCredentialModel(data, secret);
        model.setId(stored.getId());
        model.setType(stored.getType());
        model.setUserLabel(stored.getUserLabel());
        model.setCreatedDate(stored.getCreatedDate());
        model.setCredentialData(stored.getCredentialData());
        model.setSecretData(stored.getSecretData());
        model.setFederationLink(stored.getFederationLink());
        return model;
    }

    public ApiKeyCredentialData data() {
        return data;
    }

    /** The stored digest; {@code null} on presentation copies. */
    public ApiKeySecretData secret() {
        return secret;
    }

    private static String write(Object value) {
        try {
            return JsonSerialization.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JsonSerialization.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable " + TYPE + " credential", e);
        }
    }
}
