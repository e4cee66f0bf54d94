package org.inferenceauth.keycloak.keys;

/** A freshly minted key: its listing view and the key string, which exists nowhere else. */
public record MintedKey(ApiKeyView view, String key) {

    @Override
    public String toString() {
        return "MintedKey[" + view + "]";
    }
}
