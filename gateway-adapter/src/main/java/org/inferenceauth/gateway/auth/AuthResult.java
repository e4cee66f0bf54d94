package org.inferenceauth.gateway.auth;

/** The answer to "who is this?": an identity, a refusal, or "cannot tell right now". */
public sealed interface AuthResult {

    /** The credential is valid. */
    record Authenticated(Identity identity) implements AuthResult {}

    /** The credential is missing, malformed, unknown, revoked or expired: 401. */
    record Rejected(String reason) implements AuthResult {}

    /** Keycloak could not be asked and nothing usable is cached: 503, the client should retry. */
    record Unavailable(String reason) implements AuthResult {}

    /** The reason given when no credential was sent (answered with a challenge without error code). */
    String MISSING = "no credential";
}
