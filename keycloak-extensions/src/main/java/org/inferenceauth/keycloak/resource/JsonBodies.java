package org.inferenceauth.keycloak.resource;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.keycloak.util.JsonSerialization;

/**
 * Reads request bodies as JSON objects, strictly: bytes that are not UTF-8 (RFC 8259 §8.1) and a
 * repeated member name are refused like any malformed body, rather than repaired, so no two parsers
 * (ours, a proxy's, a WAF's) can read one request differently.
 */
final class JsonBodies {

    private static final ObjectReader STRICT = JsonSerialization.mapper.reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonBodies() {}

    /** The body's JSON object; empty for a blank, malformed, non-UTF-8 or non-object body. */
    static Optional<JsonNode> object(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
            JsonNode json = text.isBlank() ? null : STRICT.readTree(text);
            return json != null && json.isObject() ? Optional.of(json) : Optional.empty();
        } catch (IOException malformed) { // CharacterCodingException included
            return Optional.empty();
        }
    }
}
