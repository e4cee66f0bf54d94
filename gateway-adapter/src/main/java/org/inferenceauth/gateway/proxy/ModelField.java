package org.inferenceauth.gateway.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.inferenceauth.gateway.admission.Refusal;
import org.inferenceauth.gateway.errors.OpenAiError;

/**
 * The {@code model} of a JSON request body, read the way every upstream parser would agree on:
 * strict UTF-8 (no other encoding a lenient parser might guess), one top-level object, exactly one
 * {@code model} key (no duplicate, which parsers resolve differently, and no case variant, which
 * Go's encoding/json would match) holding a non-blank string. Children are skipped, not built, so
 * a large prompt costs one pass.
 */
final class ModelField {

    private static final JsonFactory JSON = new JsonFactory();

    private ModelField() {}

    /** @throws Refusal with the 400 the client gets */
    static String read(Buffer body) {
        CharBuffer text = utf8(body);
        try (JsonParser parser = JSON.createParser(text.array(), text.arrayOffset() + text.position(), text.remaining())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Refusal(OpenAiError.invalidJson());
            }
            String model = null;
            boolean named = false;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                if (key.equalsIgnoreCase("model")) {
                    if (named || !key.equals("model")) {
                        throw new Refusal(OpenAiError.ambiguousModel());
                    }
                    named = true;
                    model = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new Refusal(OpenAiError.invalidJson());
            }
            if (!named || model == null || model.isBlank()) {
                throw new Refusal(OpenAiError.missingModel());
            }
            return model;
        } catch (IOException e) { // malformed JSON, or nested deeper than Jackson's limit
            throw new Refusal(OpenAiError.invalidJson());
        }
    }

    private static CharBuffer utf8(Buffer body) {
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body.getBytes()));
            if (text.hasRemaining() && text.get(text.position()) == '\uFEFF') {
                throw new Refusal(OpenAiError.invalidJson()); // a BOM: some parsers skip it, some fail
            }
            return text;
        } catch (CharacterCodingException e) {
            throw new Refusal(OpenAiError.invalidJson());
        }
    }
}
