package org.inferenceauth.gateway.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** The token counts of an OpenAI {@code usage} object. */
final class UsageFields {

    private UsageFields() {}

    /**
     * Reads the {@code usage} object the parser stands at (its START_OBJECT) to its end.
     *
     * @return {@code [prompt_tokens, completion_tokens]}, 0 for a count that is missing or not a
     *         non-negative integer (embeddings have no completion tokens)
     */
    static long[] read(JsonParser parser) throws IOException {
        long[] counts = new long[2];
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken value = parser.nextToken();
            int slot = key.equals("prompt_tokens") ? 0 : key.equals("completion_tokens") ? 1 : -1;
            if (slot >= 0 && value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                counts[slot] = Math.max(0, parser.getLongValue());
            }
            parser.skipChildren();
        }
        return counts;
    }
}
