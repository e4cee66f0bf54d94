package org.inferenceauth.demo.upstream;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * DEMO ONLY. A test knob: how and when a streamed answer breaks off ({@code demo_fail_after_chunks}
 * words, then {@code demo_fail_how}).
 *
 * @param afterChunks words sent before the failure; negative: the stream does not fail
 */
record StreamFailure(int afterChunks, How how) {

    enum How {
        /** The server dies in the middle of an event: half an event, then the connection is reset. */
        RESET_MID_EVENT,
        /** The server dies between two events: the connection is reset after a complete event. */
        RESET_BETWEEN_EVENTS,
        /**
         * What vLLM sends when generation fails once the stream has begun: one complete
         * {@code data: {"error":{...}}} event, {@code data: [DONE]}, and a clean end (serving_chat.py).
         */
        ERROR_EVENT
    }

    static final StreamFailure NONE = new StreamFailure(-1, How.RESET_MID_EVENT);

    static StreamFailure from(JsonObject body) {
        int after = body.getInteger("demo_fail_after_chunks", -1);
        String how = body.getString("demo_fail_how", "reset_mid_event");
        return new StreamFailure(after, How.valueOf(how.toUpperCase(Locale.ROOT)));
    }

    /** vLLM's error event body for a failed generation (its ErrorResponse: type InternalServerError, code 500). */
    static JsonObject vllmError() {
        return new JsonObject().put("error", new JsonObject().put("message", "Internal server error")
                .put("type", "InternalServerError").put("param", null).put("code", 500));
    }
}
