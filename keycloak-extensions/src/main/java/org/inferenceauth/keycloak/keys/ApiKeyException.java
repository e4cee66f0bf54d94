package org.inferenceauth.keycloak.keys;

/**
 * A refusal with its wire form: an error code of the REST contract, the HTTP status, and a message
 * fit for the user (never containing a key).
 */
public final class ApiKeyException extends RuntimeException {

    public static final String INVALID_REQUEST = "invalid_request";
    public static final String NAME_TAKEN = "name_taken";
    public static final String KEY_LIMIT_REACHED = "key_limit_reached";
    public static final String PROJECT_NOT_ALLOWED = "project_not_allowed";
    public static final String NOT_FOUND = "not_found";

    private final String error;
    private final int status;

    public ApiKeyException(String error, int status, String message) {
        super(message, null, false, false);
        this.error = error;
        this.status = status;
    }

    static ApiKeyException invalid(String message) {
        return new ApiKeyException(INVALID_REQUEST, 400, message);
    }

    public String error() {
        return error;
    }

    public int status() {
        return status;
    }
}
