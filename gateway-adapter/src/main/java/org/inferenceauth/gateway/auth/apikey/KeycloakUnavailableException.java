package org.inferenceauth.gateway.auth.apikey;

/** Keycloak did not give a usable answer (down, timed out, 5xx, or refused the gateway's own client). */
public final class KeycloakUnavailableException extends RuntimeException {

    public KeycloakUnavailableException(String message) {
        super(message, null, false, false);
    }

    public KeycloakUnavailableException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause, false, false);
    }
}
