package org.inferenceauth.demo.upstream;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** The JSON objects of OpenAI's (and vLLM's) completion responses, field for field. */
final class DemoResponses {

    private DemoResponses() {}

    static JsonObject chatChunk(String id, long created, String model, JsonObject delta, String finishReason) {
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).put("logprobs", null)
                .put("finish_reason", finishReason);
        return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model).put("choices", new JsonArray().add(choice));
    }

    static JsonObject textChunk(String id, long created, String model, String text, String finishReason) {
        JsonObject choice = new JsonObject().put("index", 0).put("text", text).put("logprobs", null)
                .put("finish_reason", finishReason);
        return new JsonObject().put("id", id).put("object", "text_completion").put("created", created)
                .put("model", model).put("choices", new JsonArray().add(choice));
    }

    /** vLLM's final usage chunk: empty choices, only usage. */
    static JsonObject usageChunk(String id, long created, String model, boolean chat, int prompt, int completion) {
        return new JsonObject().put("id", id).put("object", chat ? "chat.completion.chunk" : "text_completion")
                .put("created", created).put("model", model).put("choices", new JsonArray())
                .put("usage", usage(prompt, completion));
    }

    static JsonObject whole(boolean chat, String model, String text, int prompt, int completion) {
        JsonObject choice = new JsonObject().put("index", 0).put("logprobs", null).put("finish_reason", "stop");
        if (chat) {
            choice.put("message", new JsonObject().put("role", "assistant").put("content", text));
        } else {
            choice.put("text", text);
        }
        return new JsonObject()
                .put("id", (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", ""))
                .put("object", chat ? "chat.completion" : "text_completion")
                .put("created", Instant.now().getEpochSecond())
                .put("model", model)
                .put("choices", new JsonArray().add(choice))
                .put("usage", usage(prompt, completion));
    }

    static JsonObject usage(int prompt, int completion) {
        return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }
}
