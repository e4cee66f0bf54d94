package org.inferenceauth.gateway.admission;

import java.util.List;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.limit.BudgetHeaders;
import org.inferenceauth.gateway.limit.policy.Scope;

/** The outcome of {@link Admission}: let the request through as this identity, or answer this error. */
public sealed interface Verdict {

    /**
     * @param headers what every answer to the request tells the caller (its budget, {@code x-ratelimit-*})
     * @param payers  who pays for the request, with their limits
     */
    record Admitted(Identity identity, BudgetHeaders headers, List<Scope> payers) implements Verdict {}

    record Refused(OpenAiError error) implements Verdict {}
}
