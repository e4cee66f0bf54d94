package org.inferenceauth.gateway.limit.policy;

import java.util.List;
import java.util.Optional;
import org.inferenceauth.gateway.errors.OpenAiError;

/**
 * Per-request caps ({@code max_tokens_per_request}, {@code max_n_per_request}) against what a
 * request asks for: its {@code max_tokens} / {@code max_completion_tokens} and {@code n}, each
 * {@code -1} when the body does not say. Every payer's cap holds; the smallest refuses first.
 */
public final class RequestCaps {

    private RequestCaps() {}

    /** What a JSON request body asks for; {@code -1} where it says nothing. */
    public record Asked(long maxTokens, long maxCompletionTokens, long n) {
        public static final Asked NOTHING = new Asked(-1, -1, -1);
    }

    /** The 400 for the first cap {@code asked} exceeds, if any. */
    public static Optional<OpenAiError> check(List<Scope> payers, Asked asked) {
        long tokenCap = smallest(payers, LimitSet.Field.MAX_TOKENS_PER_REQUEST);
        if (tokenCap > 0) {
            if (asked.maxTokens() > tokenCap) {
                return Optional.of(OpenAiError.integerAboveMax("max_tokens", asked.maxTokens(), tokenCap));
            }
            if (asked.maxCompletionTokens() > tokenCap) {
                return Optional.of(OpenAiError.integerAboveMax("max_completion_tokens", asked.maxCompletionTokens(), tokenCap));
            }
        }
        long nCap = smallest(payers, LimitSet.Field.MAX_N_PER_REQUEST);
        if (nCap > 0 && asked.n() > nCap) {
            return Optional.of(OpenAiError.integerAboveMax("n", asked.n(), nCap));
        }
        return Optional.empty();
    }

    private static long smallest(List<Scope> payers, LimitSet.Field field) {
        long cap = -1;
        for (Scope payer : payers) {
            long value = payer.limits().get(field).orElse(-1);
            if (value > 0 && (cap < 0 || value < cap)) {
                cap = value;
            }
        }
        return cap;
    }
}
