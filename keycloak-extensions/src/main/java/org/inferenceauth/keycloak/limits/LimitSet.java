package org.inferenceauth.keycloak.limits;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One limit set at one level (realm default, tier, project, user, key) or resolved. A field is
 * either absent (this level says nothing), a positive number, or explicitly {@code unlimited}
 * (which overrides lower levels). In JSON only the numbers appear: absent and unlimited both mean
 * "no limit" to a gateway.
 *
 * @param limits    the fields with a number (all values > 0)
 * @param unlimited the fields set to {@code unlimited}; disjoint from {@code limits}
 */
public record LimitSet(Map<LimitField, Long> limits, Set<LimitField> unlimited) {

    public static final String UNLIMITED = "unlimited";
    public static final LimitSet EMPTY = new LimitSet(Map.of(), Set.of());

    public LimitSet {
        EnumMap<LimitField, Long> numbers = limits.isEmpty() ? new EnumMap<>(LimitField.class) : new EnumMap<>(limits);
        EnumSet<LimitField> none = unlimited.isEmpty() ? EnumSet.noneOf(LimitField.class) : EnumSet.copyOf(unlimited);
        numbers.forEach((field, value) -> {
            if (value == null || value <= 0) {
                throw new IllegalArgumentException(field.key() + " must be a positive integer");
            }
        });
        numbers.keySet().removeAll(none);
        limits = Collections.unmodifiableMap(numbers);
        unlimited = Collections.unmodifiableSet(none);
    }

    /** Only numbers, nothing unlimited. */
    public static LimitSet of(Map<LimitField, Long> limits) {
        return new LimitSet(limits, Set.of());
    }

    /**
     * Reads {@code prefix + field.key()} for every field through {@code attribute} (null/blank =
     * absent). A value that is neither a positive integer nor {@code unlimited} (any case) is skipped
     * and reported to {@code invalid} with the attribute's name and the value.
     */
    public static LimitSet fromAttributes(String prefix, Function<String, String> attribute,
                                          BiConsumer<String, String> invalid) {
        Map<LimitField, Long> numbers = new EnumMap<>(LimitField.class);
        Set<LimitField> none = EnumSet.noneOf(LimitField.class);
        for (LimitField field : LimitField.values()) {
            String raw = attribute.apply(prefix + field.key());
            if (raw == null || raw.isBlank()) {
                continue;
            }
            String value = raw.strip();
            if (UNLIMITED.equalsIgnoreCase(value)) {
                none.add(field);
                continue;
            }
            Long number = positive(value);
            if (number == null) {
                invalid.accept(prefix + field.key(), value);
            } else {
                numbers.put(field, number);
            }
        }
        return new LimitSet(numbers, none);
    }

    /**
     * Reads numbers stored by field name ({@link #numbersByKey()}); unknown names and non-positive
     * numbers are skipped (data written by a later version stays readable). {@code null} = none.
     */
    public static LimitSet fromNumbers(Map<String, ? extends Number> numbers) {
        if (numbers == null || numbers.isEmpty()) {
            return EMPTY;
        }
        Map<LimitField, Long> read = new EnumMap<>(LimitField.class);
        numbers.forEach((key, value) -> LimitField.byKey(key).ifPresent(field -> {
            if (value != null && value.longValue() > 0) {
                read.put(field, value.longValue());
            }
        }));
        return of(read);
    }

    /** {@code value} as a positive long, or null if it is not a plain decimal integer > 0. */
    static Long positive(String value) {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        long number = Long.parseLong(value);
        return number > 0 ? number : null;
    }

    /** The number for {@code field}; empty when absent or unlimited. */
    public OptionalLong get(LimitField field) {
        Long value = limits.get(field);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    public boolean isUnlimited(LimitField field) {
        return unlimited.contains(field);
    }

    /** Whether this level says something about {@code field} (a number or unlimited). */
    public boolean isSet(LimitField field) {
        return limits.containsKey(field) || unlimited.contains(field);
    }

    /** Whether no field has a number (nothing to enforce). */
    public boolean isEmpty() {
        return limits.isEmpty();
    }

    /** Per field, this level's setting if it has one, else {@code lower}'s. */
    public LimitSet orElse(LimitSet lower) {
        Map<LimitField, Long> numbers = new EnumMap<>(LimitField.class);
        Set<LimitField> none = EnumSet.noneOf(LimitField.class);
        for (LimitField field : LimitField.values()) {
            LimitSet from = isSet(field) ? this : lower;
            if (from.isUnlimited(field)) {
                none.add(field);
            } else {
                from.get(field).ifPresent(value -> numbers.put(field, value));
            }
        }
        return new LimitSet(numbers, none);
    }

    /** Per field, the most generous of the sets that have it: {@code unlimited} beats any number, else the largest. */
    public static LimitSet mostGenerous(Collection<LimitSet> sets) {
        Map<LimitField, Long> numbers = new EnumMap<>(LimitField.class);
        Set<LimitField> none = EnumSet.noneOf(LimitField.class);
        for (LimitSet set : sets) {
            none.addAll(set.unlimited);
            set.limits.forEach((field, value) -> numbers.merge(field, value, Math::max));
        }
        return new LimitSet(numbers, none);
    }

    /** The numbers by field name, in the contract's order (for storing; see {@link #fromNumbers}). */
    public Map<String, Long> numbersByKey() {
        Map<String, Long> json = new LinkedHashMap<>();
        limits.forEach((field, value) -> json.put(field.key(), value));
        return json;
    }

    /** The JSON object of the contract: snake_case field names, numbers only, in a stable order. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        limits.forEach((field, value) -> json.put(field.key(), value));
        return json;
    }
}
