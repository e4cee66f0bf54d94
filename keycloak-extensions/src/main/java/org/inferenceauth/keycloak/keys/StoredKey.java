package org.inferenceauth.keycloak.keys;

import org.inferenceauth.keycloak.credential.ApiKeyCredentialModel;
import org.inferenceauth.keycloak.model.jpa.ApiKeyEntity;
import org.keycloak.models.UserModel;

/** A key as stored: its index row, its owner and its credential (the truth). */
record StoredKey(ApiKeyEntity index, UserModel owner, ApiKeyCredentialModel credential) {}
