package org.inferenceauth.gateway.limit;

import org.inferenceauth.gateway.errors.OpenAiError;

/** What the limits say about one request. */
public sealed interface LimitDecision {

    /**
     * @param headers the caller's budget, for every answer to the request
     * @param charge  what to settle when the request ends (tokens, slots)
     */
    record Allowed(BudgetHeaders headers, LimitCharge charge) implements LimitDecision {}

    record Refused(OpenAiError error) implements LimitDecision {}
}
