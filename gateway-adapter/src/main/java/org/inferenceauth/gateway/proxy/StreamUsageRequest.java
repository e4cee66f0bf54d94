package org.inferenceauth.gateway.proxy;

import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * A streaming completion whose client did not ask for the usage chunk still has to be counted: the
 * upstream is asked for it ({@code stream_options.include_usage: true}) and {@link SseUsageTap}
 * removes that one extra chunk again. The body is changed in place, byte for byte elsewhere:
 * {@code stream_options} is added after the opening brace, or its value replaced. A client's
 * {@code continuous_usage_stats} (ignored by vLLM without {@code include_usage}) is switched off,
 * so its chunks stay as they would have been.
 */
final class StreamUsageRequest {

    private static final byte[] ADDED = "\"stream_options\":{\"include_usage\":true},".getBytes(StandardCharsets.UTF_8);

    private StreamUsageRequest() {}

    /** The body asking for usage, or {@code null} when it needs no change (not streaming, usage asked, or unreadable options). */
    static Buffer askForUsage(byte[] body, ModelField.Facts facts) {
        if (!facts.streams() || facts.usageAsked()) {
            return null;
        }
        if (facts.optionsToken() == null) {
            int at = facts.objectStart() + 1;
            return Buffer.buffer(body.length + ADDED.length).appendBytes(body, 0, at).appendBytes(ADDED)
                    .appendBytes(body, at, body.length - at);
        }
        JsonObject options;
        if (facts.optionsToken() == JsonToken.VALUE_NULL) {
            options = new JsonObject();
        } else if (facts.optionsToken() == JsonToken.START_OBJECT) {
            options = new JsonObject(new String(body, facts.optionsStart(), facts.optionsEnd() - facts.optionsStart(),
                    StandardCharsets.UTF_8));
        } else {
            return null; // not an object: the upstream refuses the request anyway
        }
        options.put("include_usage", true);
        if (options.containsKey("continuous_usage_stats")) {
            options.put("continuous_usage_stats", false);
        }
        return Buffer.buffer().appendBytes(body, 0, facts.optionsStart()).appendBuffer(options.toBuffer())
                .appendBytes(body, facts.optionsEnd(), body.length - facts.optionsEnd());
    }
}
