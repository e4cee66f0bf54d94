package org.inferenceauth.gateway.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * Reads the top-level {@code usage} of a JSON response (completion, chat completion, embeddings)
 * while its bytes pass to the client unchanged: Jackson's non-blocking parser is fed each buffer as
 * it comes, so nothing is buffered or delayed and memory stays at one token. A body that is not
 * JSON simply yields no usage.
 */
final class JsonUsageTap implements UnaryOperator<Buffer> {

    private static final JsonFactory JSON = new JsonFactory();

    private final TokenSink sink;
    private JsonParser parser;
    private int depth;
    private String topField;
    private boolean inUsage;
    private String usageField;
    private final long[] usage = new long[2];

    JsonUsageTap(TokenSink sink) {
        this.sink = sink;
        try {
            this.parser = JSON.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            this.parser = null;
        }
    }

    @Override
    public Buffer apply(Buffer buffer) {
        if (parser == null) {
            return buffer;
        }
        try {
            byte[] bytes = buffer.getBytes();
            ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).feedInput(bytes, 0, bytes.length);
            JsonToken token;
            while (parser != null && (token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
                step(token);
            }
        } catch (IOException | RuntimeException notJson) {
            stop(); // stop looking; the bytes still pass
        }
        return buffer;
    }

    /**
     * Closes the parser: closing hands the field names it learned back to the factory's shared
     * table, so the next response finds them there. Dropped unclosed, every response re-learned
     * {@code id}, {@code choices}, … into a fresh copy of that table (the top allocation per request).
     */
    private void stop() {
        JsonParser done = parser;
        parser = null;
        try {
            if (done != null) {
                done.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // nothing held but memory
        }
    }

    private void step(JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT, START_ARRAY -> {
                if (depth == 1 && token == JsonToken.START_OBJECT && "usage".equals(topField)) {
                    inUsage = true;
                    usage[0] = 0;
                    usage[1] = 0;
                }
                depth++;
            }
            case END_OBJECT, END_ARRAY -> {
                depth--;
                if (inUsage && depth == 1) {
                    inUsage = false;
                    sink.tokens(usage[0], usage[1]);
                }
                if (depth == 0) {
                    stop(); // the body's one object is done
                }
            }
            case FIELD_NAME -> {
                if (depth == 1) {
                    topField = parser.currentName();
                } else if (inUsage && depth == 2) {
                    usageField = parser.currentName();
                }
            }
            case VALUE_NUMBER_INT -> {
                if (inUsage && depth == 2 && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    if ("prompt_tokens".equals(usageField)) {
                        usage[0] = Math.max(0, parser.getLongValue());
                    } else if ("completion_tokens".equals(usageField)) {
                        usage[1] = Math.max(0, parser.getLongValue());
                    }
                }
            }
            default -> { }
        }
    }
}
