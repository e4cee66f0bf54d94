package org.inferenceauth.keycloak.credential;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.keycloak.credential.CredentialMetadata;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The {@value ApiKeyCredentialModel#TYPE} credential type. Keys are minted by
 * {@link org.inferenceauth.keycloak.keys.ApiKeyService} (which also writes the index row); this
 * provider stores and presents them, so both consoles list and delete keys natively.
 */
public final class ApiKeyCredentialProvider implements CredentialProvider<ApiKeyCredentialModel> {

    /** The required action another module provides to mint a key from the account console. */
    public static final String CREATE_ACTION = "project-api-key-register";

    private final KeycloakSession session;

    ApiKeyCredentialProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getType() {
        return ApiKeyCredentialModel.TYPE;
    }

    /** Stores the credential only; use {@code ApiKeyService.mint}, which also indexes the key. */
    @Override
    public CredentialModel createCredential(RealmModel realm, UserModel user, ApiKeyCredentialModel credential) {
        if (credential.getCreatedDate() == null) {
            credential.setCreatedDate(System.currentTimeMillis());
        }
        return user.credentialManager().createStoredCredential(credential);
    }

    /** Rarely called (neither console does); the index row goes by the database's cascade. */
    @Override
    public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
        return user.credentialManager().removeStoredCredentialById(credentialId);
    }

    @Override
    public ApiKeyCredentialModel getCredentialFromModel(CredentialModel model) {
        return ApiKeyCredentialModel.from(model);
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext context) {
        // No category fits API keys (the enum is closed); keys sit under "basic authentication".
        return CredentialTypeMetadata.builder()
                .type(getType())
                .category(CredentialTypeMetadata.Category.BASIC_AUTHENTICATION)
                .displayName("project-api-key-display-name")
                .helpText("project-api-key-help-text")
                .iconCssClass(CredentialTypeMetadata.DEFAULT_ICON_CSS_CLASS)
                .createAction(CREATE_ACTION) // dropped by Keycloak unless that action is enabled
                .removeable(true)
                .build(session);
    }

    /** "Key ID", "Project" and "Expires" rows under each key in the account console. */
    @Override
    public CredentialMetadata getCredentialMetadata(ApiKeyCredentialModel key, CredentialTypeMetadata type) {
        CredentialMetadata metadata = new CredentialMetadata();
        metadata.setCredentialModel(key);
        List<CredentialMetadata.LocalizedMessage> rows = new ArrayList<>();
        rows.add(new CredentialMetadata.LocalizedMessage("project-api-key-key-id", new Object[] {key.data().keyId()}));
        rows.add(new CredentialMetadata.LocalizedMessage("project-api-key-project", new Object[] {key.data().project()}));
        if (key.data().expiresAt() != null) {
            rows.add(new CredentialMetadata.LocalizedMessage("project-api-key-expires",
                    new Object[] {Instant.ofEpochSecond(key.data().expiresAt()).toString()}));
        }
        metadata.setInfoProperties(rows);
        return metadata;
    }
}
