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

    static Map<String, String> of(List<Check> checks) {
        Map<String, String> headers = new LinkedHashMap<>();
        put(headers, "requests", tightest(checks, Check.Kind.REQUESTS_PER_MINUTE, Check.Kind.REQUESTS_PER_HOUR));
        put(headers, "tokens", tightest(checks, Check.Kind.TOKENS_PER_MINUTE));
        put(headers, "requests-day", tightest(checks, Check.Kind.REQUESTS_PER_DAY));
        put(headers, "tokens-day", tightest(checks, Check.Kind.TOKENS_PER_DAY));
        put(headers, "requests-month", tightest(checks, Check.Kind.REQUESTS_PER_MONTH));
        put(headers, "tokens-month", tightest(checks, Check.Kind.TOKENS_PER_MONTH));
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

    private static Check tightest(List<Check> checks, Check.Kind... kinds) {
        Check tightest = null;
        for (Check check : checks) {
            if (!check.known() || !List.of(kinds).contains(check.kind())) {
                continue;
            }
            if (tightest == null || check.remaining() < tightest.remaining()
                    || (check.remaining() == tightest.remaining() && check.reset().compareTo(tightest.reset()) > 0)) {
                tightest = check;
            }
        }
        return tightest;
    }

    private static void put(Map<String, String> headers, String suffix, Check check) {
        if (check == null) {
            return;
        }
        headers.put("x-ratelimit-limit-" + suffix, Long.toString(check.limit()));
        headers.put("x-ratelimit-remaining-" + suffix, Long.toString(Math.max(0, check.remaining())));
        headers.put("x-ratelimit-reset-" + suffix, formatReset(check.reset()));
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
