package org.inferenceauth.gateway.limit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.inferenceauth.gateway.errors.OpenAiError;

/**
 * The outcome of spending one request from a caller's bucket, and the headers that tell the
 * caller about it in OpenAI's vocabulary ({@code x-ratelimit-*-requests}, {@code retry-after}).
 *
 * @param resetIn time until the bucket is full again (allowed) or until one request is available (refused)
 */
public record RateDecision(boolean allowed, long limit, long remaining, Duration resetIn) {

    /** A decision when limiting is off or its store failed: the request goes ahead, no headers. */
    public static final RateDecision UNLIMITED = new RateDecision(true, -1, -1, Duration.ZERO);

    public boolean isLimited() {
        return limit >= 0;
    }

    /** Response headers for this decision; none when limiting is off. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        if (!isLimited()) {
            return headers;
        }
        headers.put("x-ratelimit-limit-requests", Long.toString(limit));
        headers.put("x-ratelimit-remaining-requests", Long.toString(remaining));
        headers.put("x-ratelimit-reset-requests", formatReset(resetIn));
        if (!allowed) {
            // SDKs (openai-python/-java) honour retry-after-ms first, then retry-after in seconds.
            headers.put("retry-after", Long.toString(Math.max(1, (resetIn.toMillis() + 999) / 1000)));
            headers.put("retry-after-ms", Long.toString(Math.max(1, resetIn.toMillis())));
        }
        return headers;
    }

    /** The 429 answer for a refused decision. */
    public OpenAiError refusal() {
        return OpenAiError.rateLimited(limit, resetIn, headers());
    }

    /** OpenAI's reset format: {@code 20ms}, {@code 1s}, {@code 6m0s}, {@code 1h2m3s}. */
    static String formatReset(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 1000) {
            return millis + "ms";
        }
        long seconds = (millis + 999) / 1000;
        long hours = seconds / 3600;
        long minutes = (seconds % 3600) / 60;
        long rest = seconds % 60;
        if (hours > 0) {
            return hours + "h" + minutes + "m" + rest + "s";
        }
        if (minutes > 0) {
            return minutes + "m" + rest + "s";
        }
        return rest + "s";
    }
}
