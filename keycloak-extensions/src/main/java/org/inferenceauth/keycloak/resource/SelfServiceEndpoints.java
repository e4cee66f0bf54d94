package org.inferenceauth.keycloak.resource;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.keycloak.keys.ApiBaseUrl;
import org.inferenceauth.keycloak.keys.ApiKeyException;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.keys.ApiKeySettings;
import org.inferenceauth.keycloak.keys.MintRequest;
import org.inferenceauth.keycloak.keys.MintedKey;
import org.inferenceauth.keycloak.limits.LimitField;
import org.inferenceauth.keycloak.limits.LimitSet;
import org.inferenceauth.keycloak.resource.UserAuth.Caller;

/** The owner's own keys: list, projects, create, revoke. */
final class SelfServiceEndpoints {

    private static final String KNOWN_LIMITS = String.join(", ",
            Arrays.stream(LimitField.values()).map(LimitField::key).toList());

    private final ApiKeyService keys;
    private final UserAuth auth;
    private final KeyEvents events;

    SelfServiceEndpoints(ApiKeyService keys, UserAuth auth, KeyEvents events) {
        this.keys = keys;
        this.auth = auth;
        this.events = events;
    }

    Response list() {
        Caller caller = auth.authenticate();
        return ok(Map.of("keys", keys.list(caller.user()).stream().map(KeyJson::of).toList()));
    }

    Response projects() {
        Caller caller = auth.authenticate();
        ApiKeySettings settings = keys.settings();
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("maxKeys", settings.maxKeys());
        limits.put("maxLifetimeDays", settings.maxLifetimeDays());
        limits.put("expiryRequired", settings.expiryRequired());
        List<Map<String, String>> projects = keys.projectsOf(caller.user()).stream()
                .map(p -> Map.of("id", p.id(), "name", p.name())).toList();
        return ok(Map.of("projects", projects, "limits", limits, "api", api(keys.apiBaseUrl())));
    }

    /** Where the create dialog's examples point: the URL, or (for an invalid setting) why there is none. */
    private static Map<String, Object> api(ApiBaseUrl baseUrl) {
        Map<String, Object> api = new LinkedHashMap<>();
        if (baseUrl.url() != null) {
            api.put("baseUrl", baseUrl.url());
        }
        if (baseUrl.problem() != null) {
            api.put("baseUrlProblem", baseUrl.problem());
        }
        return api;
    }

    Response create(String contentType, byte[] body) {
        Caller caller = auth.authenticate();
        auth.requireMayMint(caller);
        if (!isJson(contentType)) {
            throw ApiErrors.error(415, ApiKeyException.INVALID_REQUEST, "Send the request as application/json.");
        }
        MintRequest request = parse(body, caller.token().getIssuedFor());
        try {
            MintedKey minted = keys.mint(caller.user(), request);
            events.minted(caller.user(), caller.token(), minted.view().keyId(), minted.view().name(), minted.view().project());
            Map<String, Object> json = KeyJson.of(minted.view());
            json.put("key", minted.key());
            return Response.status(201).entity(json).header("Cache-Control", "no-store").build();
        } catch (ApiKeyException e) {
            throw ApiErrors.from(e);
        }
    }

    Response revoke(String keyId) {
        Caller caller = auth.authenticate();
        if (!keys.revoke(caller.user(), keyId)) {
            throw ApiErrors.error(404, ApiKeyException.NOT_FOUND, "You hold no key with that id.");
        }
        events.revoked(caller.user(), caller.token(), keyId);
        return Response.noContent().build();
    }

    static boolean isJson(String contentType) {
        try {
            return contentType != null && MediaType.valueOf(contentType).isCompatible(MediaType.APPLICATION_JSON_TYPE);
        } catch (IllegalArgumentException unparseable) {
            return false;
        }
    }

    private static MintRequest parse(byte[] body, String client) {
        JsonNode json = JsonBodies.object(body).orElseThrow(() ->
                ApiErrors.error(400, ApiKeyException.INVALID_REQUEST, "The body must be a JSON object."));
        return new MintRequest(text(json, "name"), text(json, "project"), instant(text(json, "expiresAt")),
                scopes(json.get("scopes")), client, caps(json.get("limits")));
    }

    /** {@code {"requests_per_minute": 10, ...}}: known field names, positive integers; null = no caps. */
    private static LimitSet caps(JsonNode value) {
        if (value == null || value.isNull()) {
            return LimitSet.EMPTY;
        }
        if (!value.isObject()) {
            throw ApiErrors.error(400, ApiKeyException.INVALID_REQUEST,
                    "limits must be an object such as {\"requests_per_minute\": 10}.");
        }
        Map<LimitField, Long> caps = new EnumMap<>(LimitField.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> cap = it.next();
            LimitField field = LimitField.byKey(cap.getKey()).orElseThrow(() -> ApiErrors.error(400,
                    ApiKeyException.INVALID_REQUEST, nameOf(cap.getKey()) + " is not a limit; known: " + KNOWN_LIMITS + "."));
            JsonNode number = cap.getValue();
            if (!number.isIntegralNumber() || !number.canConvertToLong() || number.longValue() <= 0) {
                throw ApiErrors.error(400, ApiKeyException.INVALID_REQUEST,
                        "limits." + field.key() + " must be a positive integer (a key's caps can only lower limits).");
            }
            caps.put(field, number.longValue());
        }
        return LimitSet.of(caps);
    }

    /** The unknown member's name for the error, if it looks like a field name (never repeat arbitrary input, e.g. a key). */
    private static String nameOf(String member) {
        return member.matches("[a-z_]{1,40}") ? "limits." + member : "A member of limits";
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiErrors.error(400, ApiKeyException.INVALID_REQUEST, field + " must be a string.");
        }
        return value.asText();
    }

    private static Instant instant(String iso) {
        try {
            return iso == null ? null : Instant.parse(iso);
        } catch (DateTimeParseException e) {
            throw ApiErrors.error(400, ApiKeyException.INVALID_REQUEST, "expiresAt must be an ISO-8601 UTC time.");
        }
    }

    private static List<String> scopes(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw ApiErrors.error(400, ApiKeyException.INVALID_REQUEST, "scopes must be an array of strings.");
        }
        List<String> scopes = new ArrayList<>();
        value.forEach(s -> scopes.add(s.isTextual() ? s.asText() : null));
        return scopes;
    }

    private static Response ok(Object entity) {
        return Response.ok(entity).header("Cache-Control", "no-store").build();
    }
}
