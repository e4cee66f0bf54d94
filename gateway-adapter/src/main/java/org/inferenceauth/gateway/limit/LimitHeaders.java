package org.inferenceauth.gateway.limit;

import io.netty.util.AsciiString;
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
    private static final AsciiString[][] NAMES = new AsciiString[SUFFIXES.length][];

    static {
        for (int i = 0; i < SUFFIXES.length; i++) {
            NAMES[i] = new AsciiString[] {AsciiString.cached("x-ratelimit-limit-" + SUFFIXES[i]),
                    AsciiString.cached("x-ratelimit-remaining-" + SUFFIXES[i]),
                    AsciiString.cached("x-ratelimit-reset-" + SUFFIXES[i])};
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

    static BudgetHeaders of(List<Check> checks) {
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
        AsciiString[] names = new AsciiString[3 * SUFFIXES.length];
        AsciiString[] values = new AsciiString[names.length];
        int size = 0;
        for (int group = 0; group < tightest.length; group++) {
            Check check = tightest[group];
            if (check != null) {
                names[size] = NAMES[group][0];
                values[size++] = BudgetHeaders.number(Math.max(0, check.limit()));
                names[size] = NAMES[group][1];
                values[size++] = BudgetHeaders.number(Math.max(0, check.remaining()));
                names[size] = NAMES[group][2];
                values[size++] = BudgetHeaders.reset(check.reset().toMillis());
            }
        }
        return size == 0 ? BudgetHeaders.NONE : new BudgetHeaders(names, values, size);
    }

    /** The headers of a refusal: the budget headers plus when to retry ({@code retry-after-ms} first, as SDKs read them). */
    static Map<String, String> refusal(List<Check> checks, Duration retryIn) {
        Map<String, String> headers = new LinkedHashMap<>(of(checks));
        long millis = Math.max(1, retryIn.toMillis());
        headers.put("retry-after", Long.toString(Math.max(1, (millis + 999) / 1000)));
        headers.put("retry-after-ms", Long.toString(millis));
        return headers;
    }
}
