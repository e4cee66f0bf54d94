package org.inferenceauth.gateway.auth.apikey;

/**
 * A local, network-free test that a presented string can be an API key at all, so typos,
 * truncated pastes and random junk are refused without a Keycloak round trip.
 */
@FunctionalInterface
public interface ApiKeyPrecheck {

    boolean plausible(String credential);
}
