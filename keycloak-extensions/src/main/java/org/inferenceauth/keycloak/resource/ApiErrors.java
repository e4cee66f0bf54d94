package org.inferenceauth.keycloak.resource;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.inferenceauth.keycloak.keys.ApiKeyException;

/** Error answers of the API: {@code {"error","error_description"}}, RFC 6750 challenges on 401. */
public final class ApiErrors {

    private ApiErrors() {}

    public static WebApplicationException error(int status, String error, String description) {
        return new WebApplicationException(json(status, error, description).build());
    }

    public static WebApplicationException from(ApiKeyException e) {
        return error(e.status(), e.error(), e.getMessage());
    }

    /** 401 with a bearer challenge; {@code error} null when no credentials were presented (RFC 6750 §3.1). */
    public static WebApplicationException unauthorized(String realm, String error, String description) {
        String challenge = "Bearer realm=\"" + realm + "\""
                + (error == null ? "" : ", error=\"" + error + "\", error_description=\"" + description + "\"");
        return new WebApplicationException(json(401, error == null ? "invalid_token" : error, description)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge).build());
    }

    /** RFC 9470 step-up: the login is too old for this operation; log in again with {@code max_age}. */
    public static WebApplicationException reauthenticate(int maxAgeSeconds) {
        String description = "Minting a key requires a login within the last " + maxAgeSeconds + " seconds.";
        String challenge = "Bearer error=\"insufficient_user_authentication\", error_description=\"" + description
                + "\", max_age=\"" + maxAgeSeconds + "\"";
        return new WebApplicationException(json(401, "insufficient_user_authentication", description)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge).build());
    }

    static Response.ResponseBuilder json(int status, String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body)
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
    }
}
