package org.inferenceauth.demo.upstream;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * DEMO ONLY. {@code POST /v1/embeddings} in OpenAI's shape: {@code {"object":"list","data":[{"object":
 * "embedding","index","embedding"}],"model","usage":{"prompt_tokens","total_tokens"}}}. The vectors
 * are not embeddings of anything: unit vectors seeded by the input, the same for the same input.
 * {@code encoding_format: "base64"} gives little-endian float32 bytes in base64, as OpenAI and vLLM do.
 */
final class DemoEmbeddings {

    static final int DEFAULT_DIMENSIONS = 8;

    /** A request the demo refuses (400): its message. */
    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private DemoEmbeddings() {}

    static JsonObject answer(String model, JsonObject body) {
        List<Object> inputs = inputs(body.getValue("input"));
        String format = body.getString("encoding_format", "float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw new Invalid("encoding_format must be 'float' or 'base64'");
        }
        int dimensions = body.getInteger("dimensions", DEFAULT_DIMENSIONS);
        if (dimensions < 1 || dimensions > 4096) {
            throw new Invalid("dimensions must be between 1 and 4096");
        }
        JsonArray data = new JsonArray();
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Object input = inputs.get(i);
            tokens += input instanceof JsonArray ids ? ids.size() : ((String) input).trim().split("\\s+").length;
            float[] vector = vector(input.toString(), dimensions);
            data.add(new JsonObject().put("object", "embedding").put("index", i)
                    .put("embedding", format.equals("base64") ? base64(vector) : floats(vector)));
        }
        return new JsonObject().put("object", "list").put("data", data).put("model", model)
                .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens));
    }

    /** A string, an array of strings, an array of token ids, or an array of such arrays. */
    private static List<Object> inputs(Object input) {
        List<Object> inputs = new ArrayList<>();
        if (input instanceof String text) {
            inputs.add(text);
        } else if (input instanceof JsonArray array && !array.isEmpty() && array.getValue(0) instanceof Number) {
            inputs.add(array);
        } else if (input instanceof JsonArray array && !array.isEmpty()) {
            for (Object item : array) {
                if (!(item instanceof String) && !(item instanceof JsonArray)) {
                    throw new Invalid("input must be a string, an array of strings or of token arrays");
                }
                inputs.add(item);
            }
        } else {
            throw new Invalid("input must be a non-empty string or array");
        }
        for (Object item : inputs) {
            if (item instanceof String text && text.isBlank()) {
                throw new Invalid("input must not be empty");
            }
        }
        return inputs;
    }

    private static float[] vector(String seed, int dimensions) {
        Random random = new Random(seed.hashCode());
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) random.nextGaussian();
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < dimensions; i++) {
            vector[i] /= (float) Math.sqrt(norm);
        }
        return vector;
    }

    private static JsonArray floats(float[] vector) {
        JsonArray array = new JsonArray();
        for (float value : vector) {
            array.add(value);
        }
        return array;
    }

    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
