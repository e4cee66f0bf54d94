package org.inferenceauth.gateway.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import org.inferenceauth.gateway.admission.Refusal;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.limit.policy.RequestCaps;

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

    /**
     * What the gateway needs to know of a JSON request body: its model, whether it asks for a stream
     * ({@code "stream": true}), whether it asks for the stream's usage chunk
     * ({@code "stream_options": {"include_usage": true}}), and where {@code stream_options} sits
     * (byte offsets of its value, or -1; of the body's opening brace), so it can be changed in place.
     * Repeated {@code stream}/{@code stream_options} keys: the last counts, as in Python's json.
     * {@code asked}: its {@code max_tokens}, {@code max_completion_tokens} and {@code n}, for the
     * per-request caps (the largest when repeated).
     */
    record Facts(String model, boolean streams, boolean usageAsked, int objectStart, int optionsStart, int optionsEnd,
                 JsonToken optionsToken, RequestCaps.Asked asked) {}

    /** @throws Refusal with the 400 the client gets */
    static Facts inspect(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Refusal(OpenAiError.invalidJson());
            }
            int objectStart = (int) parser.currentTokenLocation().getByteOffset();
            String model = null;
            boolean named = false;
            boolean streams = false;
            boolean usageAsked = false;
            int optionsStart = -1;
            int optionsEnd = -1;
            JsonToken optionsToken = null;
            long maxTokens = -1;
            long maxCompletionTokens = -1;
            long n = -1;
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
                } else if (key.equals("max_tokens")) {
                    maxTokens = Math.max(maxTokens, integer(parser, value));
                } else if (key.equals("max_completion_tokens")) {
                    maxCompletionTokens = Math.max(maxCompletionTokens, integer(parser, value));
                } else if (key.equals("n")) {
                    n = Math.max(n, integer(parser, value));
                } else if (key.equals("stream")) {
                    streams = value == JsonToken.VALUE_TRUE;
                } else if (key.equals("stream_options")) {
                    optionsStart = (int) parser.currentTokenLocation().getByteOffset();
                    optionsToken = value;
                    usageAsked = value == JsonToken.START_OBJECT && includesUsage(parser);
                    optionsEnd = (int) parser.currentLocation().getByteOffset();
                    continue;
                }
                parser.skipChildren();
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new Refusal(OpenAiError.invalidJson());
            }
            if (!named || model == null || model.isBlank()) {
                throw new Refusal(OpenAiError.missingModel());
            }
            return new Facts(model, streams, usageAsked, objectStart, optionsStart, optionsEnd, optionsToken,
                    new RequestCaps.Asked(maxTokens, maxCompletionTokens, n));
        } catch (IOException e) { // malformed JSON, or nested deeper than Jackson's limit
            throw new Refusal(OpenAiError.invalidJson());
        }
    }

    /**
     * A number as the caps compare it: an integer (clamped to long), a fraction rounded up (an
     * upstream refuses it anyway); anything else ({@code null}, a string) is -1, "not asked".
     */
    private static long integer(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? (parser.getBigIntegerValue().signum() > 0 ? Long.MAX_VALUE : -1) : parser.getLongValue();
        }
        if (value == JsonToken.VALUE_NUMBER_FLOAT) {
            double number = parser.getDoubleValue();
            return number >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(number);
        }
        return -1;
    }

    /** Reads a {@code stream_options} object to its end: whether {@code include_usage} is {@code true}. */
    private static boolean includesUsage(JsonParser parser) throws IOException {
        boolean include = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken value = parser.nextToken();
            if (key.equals("include_usage")) {
                include = value == JsonToken.VALUE_TRUE;
            }
            parser.skipChildren();
        }
        return include;
    }

    /**
     * The body's bytes if they are strict UTF-8 (RFC 8259 §8.1) that Jackson will read as UTF-8:
     * no BOM, and no zero byte up front, from which Jackson (like Python's json) would guess UTF-16/32.
     */
    static byte[] utf8(Buffer body) {
        byte[] bytes = body.getBytes();
        boolean bom = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF;
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            if (bytes[i] == 0) {
                throw new Refusal(OpenAiError.invalidJson());
            }
        }
        if (bom || !Utf8.isValid(bytes)) {
            throw new Refusal(OpenAiError.invalidJson());
        }
        return bytes;
    }
}
