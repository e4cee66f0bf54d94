package org.inferenceauth.gateway.limit.policy;

import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One set of limits as Keycloak delivers it (issue 12, gateway-adapter README "Limits"): each field is a positive
 * integer or absent (no limit at that scope). The same object arrives for a person, a project, a key
 * and the realm's person defaults.
 *
 * @param minuteBurst how many requests the per-minute window holds when it is not the limit itself:
 *                    only the gateway's configured defaults ({@code GATEWAY_RATE_LIMIT_BURST}) set it
 */
public record LimitSet(Map<Field, Long> values, long minuteBurst) {

    /** The contract's field names, in the order reports list them. */
    public enum Field {
        REQUESTS_PER_MINUTE("requests_per_minute"),
        REQUESTS_PER_HOUR("requests_per_hour"),
        REQUESTS_PER_DAY("requests_per_day"),
        REQUESTS_PER_MONTH("requests_per_month"),
        TOKENS_PER_MINUTE("tokens_per_minute"),
        TOKENS_PER_DAY("tokens_per_day"),
        TOKENS_PER_MONTH("tokens_per_month"),
        CONCURRENT_REQUESTS_PER_MODEL("concurrent_requests_per_model"),
        MAX_TOKENS_PER_REQUEST("max_tokens_per_request"),
        MAX_N_PER_REQUEST("max_n_per_request");

        private final String json;

        Field(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    public static final LimitSet NONE = new LimitSet(Map.of(), 0);

    public LimitSet {
        EnumMap<Field, Long> copy = new EnumMap<>(Field.class);
        values.forEach((field, value) -> {
            if (value == null || value <= 0) {
                throw new IllegalArgumentException(field.json() + " must be a positive integer");
            }
            copy.put(field, value);
        });
        values = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * The set a JSON object describes. Unknown fields are ignored (a newer Keycloak may send more);
     * a value that is not a positive integer counts as absent, as the contract allows nothing else.
     */
    public static LimitSet fromJson(JsonObject json) {
        if (json == null || json.isEmpty()) {
            return NONE;
        }
        EnumMap<Field, Long> values = new EnumMap<>(Field.class);
        for (Field field : Field.values()) {
            if (json.getValue(field.json()) instanceof Number number) {
                double value = number.doubleValue();
                if (value >= 1 && value == Math.rint(value) && value <= Long.MAX_VALUE) {
                    values.put(field, number.longValue());
                }
            }
        }
        return new LimitSet(values, 0);
    }

    /** The gateway's configured defaults: a per-minute window holding {@code burst} requests. */
    public static LimitSet requestsPerMinute(long perMinute, long burst) {
        return new LimitSet(Map.of(Field.REQUESTS_PER_MINUTE, perMinute), burst);
    }

    public OptionalLong get(Field field) {
        Long value = values.get(field);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    public boolean has(Field field) {
        return values.containsKey(field);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** How many requests the per-minute window holds: the burst when configured, else the limit. */
    public long minuteCapacity() {
        return minuteBurst > 0 ? minuteBurst : Optional.ofNullable(values.get(Field.REQUESTS_PER_MINUTE)).orElse(0L);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        values.forEach((field, value) -> json.put(field.json(), value));
        return json;
    }
}
