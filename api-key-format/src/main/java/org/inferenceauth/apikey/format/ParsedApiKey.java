package org.inferenceauth.apikey.format;

/**
 * A key whose shape and checksum are valid. That says nothing about whether it was ever issued:
 * only the server that stores its hash can tell.
 *
 * @param keyId  public lookup id; safe to log and to show
 * @param secret the secret part; never log, store or show it
 */
public record ParsedApiKey(String prefix, String keyId, String secret, String token) {

    @Override
    public String toString() { // records print every field: keep the secret out of logs
        return "ParsedApiKey[prefix=" + prefix + ", keyId=" + keyId + "]";
    }
}
