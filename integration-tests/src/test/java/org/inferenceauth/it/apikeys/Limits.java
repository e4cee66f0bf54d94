package org.inferenceauth.it.apikeys;

import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers for comparing limit objects read from tokens and JSON answers. */
final class Limits {

    private Limits() {}

    /** A copy of a (nested) claim object with every whole number as an Integer. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withIntegers(Map<String, Object> claim) {
        if (claim == null) {
            return null;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        claim.forEach((name, value) -> copy.put(name, value instanceof Map<?, ?> nested
                ? withIntegers((Map<String, Object>) nested)
                : value instanceof Number number ? Math.toIntExact(number.longValue()) : value));
        return copy;
    }
}
