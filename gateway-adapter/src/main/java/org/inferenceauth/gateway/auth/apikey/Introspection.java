package org.inferenceauth.gateway.auth.apikey;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.limit.policy.DeliveredLimits;

/** Keycloak's RFC 7662 answer about one API key. */
public sealed interface Introspection {

    record Active(Identity identity) implements Introspection {}

    record Inactive() implements Introspection {}

    /** Keycloak gave no usable answer. Never kept in the cache; it only lets concurrent waiters share the failure. */
    record Unavailable(String reason) implements Introspection {}

    Inactive INACTIVE = new Inactive();

    /**
     * Parses {@code POST {issuer}/api-keys/introspect}'s body, with the {@code limits} Keycloak
     * delivers for the key's owner, project and key (issue 12, gateway-adapter README "Limits").
     */
    static Introspection fromJson(JsonObject json) {
        if (!Boolean.TRUE.equals(json.getValue("active"))) {
            return INACTIVE;
        }
        String scope = json.getString("scope", "");
        Set<String> scopes = Arrays.stream(scope.split(" ")).filter(s -> !s.isBlank()).collect(Collectors.toSet());
        Identity identity = new Identity(Identity.Kind.API_KEY,
                json.getString("sub"),
                json.getString("username"),
                json.getString("project"),
                json.getString("key_id"),
                json.getString("client_id"),
                scopes,
                epochSeconds(json, "iat"),
                epochSeconds(json, "exp"),
                Identity.Channel.API,
                DeliveredLimits.fromJson(json.getValue("limits"), null));
        if (identity.subject() == null || identity.keyId() == null) {
            throw new IllegalArgumentException("active introspection answer without sub or key_id");
        }
        return new Active(identity);
    }

    /** Epoch seconds; values beyond what an Instant holds are clamped (longValue() would wrap them). */
    private static Instant epochSeconds(JsonObject json, String field) {
        if (!(json.getValue(field) instanceof Number n)) {
            return null;
        }
        double seconds = n.doubleValue();
        if (seconds >= Instant.MAX.getEpochSecond()) {
            return Instant.MAX;
        }
        return seconds <= Instant.MIN.getEpochSecond() ? Instant.MIN : Instant.ofEpochSecond(n.longValue());
    }
}
