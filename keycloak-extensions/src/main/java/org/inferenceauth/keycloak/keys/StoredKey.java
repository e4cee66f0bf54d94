package org.inferenceauth.keycloak.keys;

import org.inferenceauth.keycloak.credential.ApiKeyCredentialModel;
import org.keycloak.models.UserModel;

/** A key as stored: its id, its owner and its credential (the truth). */
record StoredKey(String keyId, UserModel owner, ApiKeyCredentialModel credential) {}
