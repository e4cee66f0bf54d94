package org.inferenceauth.gateway.limit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code x-ratelimit-*} headers of an answer, in OpenAI's names: the tightest request window
 * ({@code -requests}), tokens per minute ({@code -tokens}), and the calendar budgets
 * ({@code -requests-day}, {@code -tokens-month}, …). Across payers, the one with the least left is
 * shown. A limit nobody has, or a store that did not answer, adds no header.
 */
final class LimitHeaders {

    private LimitHeaders() {}

    /** The header groups, in the order answers list them; each kind of check belongs to one. */
    private static final String[] SUFFIXES = {"requests", "tokens", "requests-day", "tokens-day", "requests-month",
            "tokens-month"};
    private static final String[][] NAMES = new String[SUFFIXES.length][];

    static {
        for (int i = 0; i < SUFFIXES.length; i++) {
            NAMES[i] = new String[] {"x-ratelimit-limit-" + SUFFIXES[i], "x-ratelimit-remaining-" + SUFFIXES[i],
                    "x-ratelimit-reset-" + SUFFIXES[i]};
        }
    }

    private static int group(Check.Kind kind) {
        return switch (kind) {
            case REQUESTS_PER_MINUTE, REQUESTS_PER_HOUR -> 0;
            case TOKENS_PER_MINUTE -> 1;
            case REQUESTS_PER_DAY -> 2;
            case TOKENS_PER_DAY -> 3;
            case REQUESTS_PER_MONTH -> 4;
            case TOKENS_PER_MONTH -> 5;
            case CONCURRENCY -> -1;
        };
    }

    static Map<String, String> of(List<Check> checks) {
        Check[] tightest = new Check[SUFFIXES.length];
        for (Check check : checks) { // one pass: per group the check with the least left
            int group = group(check.kind());
            if (group < 0 || !check.known()) {
                continue;
            }
            Check now = tightest[group];
            if (now == null || check.remaining() < now.remaining()
                    || (check.remaining() == now.remaining() && check.reset().compareTo(now.reset()) > 0)) {
                tightest[group] = check;
            }
        }
        Map<String, String> headers = new LinkedHashMap<>(32);
        for (int group = 0; group < tightest.length; group++) {
            Check check = tightest[group];
            if (check != null) {
                headers.put(NAMES[group][0], Long.toString(check.limit()));
                headers.put(NAMES[group][1], Long.toString(Math.max(0, check.remaining())));
                headers.put(NAMES[group][2], formatReset(check.reset()));
            }
        }
        return headers;
    }

    /** The headers of a refusal: the budget headers plus when to retry ({@code retry-after-ms} first, as SDKs read them). */
    static Map<String, String> refusal(List<Check> checks, Duration retryIn) {
        Map<String, String> headers = of(checks);
        long millis = Math.max(1, retryIn.toMillis());
        headers.put("retry-after", Long.toString(Math.max(1, (millis + 999) / 1000)));
        headers.put("retry-after-ms", Long.toString(millis));
        return headers;
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
