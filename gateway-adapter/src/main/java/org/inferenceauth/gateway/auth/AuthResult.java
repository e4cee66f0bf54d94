package org.inferenceauth.gateway.auth;

/** The answer to "who is this?": an identity, a refusal, "cannot tell right now", or "not asking for you now". */
public sealed interface AuthResult {

    /** The credential is valid. */
    record Authenticated(Identity identity) implements AuthResult {}

    /** The credential is missing, malformed, unknown, revoked or expired: 401. */
    record Rejected(String reason) implements AuthResult {}

    /** Keycloak could not be asked and nothing usable is cached: 503, the client should retry. */
    record Unavailable(String reason) implements AuthResult {}

    /** The request's source has spent its budget of failed authentications; an unknown key is not checked: 429. */
    record Throttled(java.time.Duration retryAfter) implements AuthResult {}

    /** The reason given when no credential was sent (answered with a challenge without error code). */
    String MISSING = "no credential";

    /** The reason given when a key fails the format or checksum check (it never reaches Keycloak). */
    String MALFORMED = "not an API key (format or checksum)";

    /** Keycloak refused the service credentials of the two-header form. */
    String SERVICE_CREDENTIAL_REFUSED = "service credentials refused";

    /** Keycloak refused service credentials sent as HTTP Basic (answered with a Basic challenge). */
    String SERVICE_CREDENTIAL_REFUSED_BASIC = "service credentials refused (Basic)";

    /** Service credentials that cannot be read (a Basic value that is no id:secret, half of the header pair). */
    String SERVICE_CREDENTIAL_MALFORMED = "service credentials malformed";

    /** The reason given when the request carried several different credentials. */
    String AMBIGUOUS = "more than one credential";
}
