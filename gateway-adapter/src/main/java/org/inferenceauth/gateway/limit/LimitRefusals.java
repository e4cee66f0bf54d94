package org.inferenceauth.gateway.limit;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.inferenceauth.gateway.errors.ClientText;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.limit.policy.Calendar;
import org.inferenceauth.gateway.limit.policy.Scope;

/** The 429 a refusing check gets, worded as OpenAI words its own (and naming which payer's limit it was). */
final class LimitRefusals {

    /** Nobody can say when a running request ends: a client refused for concurrency retries after this. */
    static final Duration CONCURRENCY_RETRY = Duration.ofSeconds(1);

    private LimitRefusals() {}

    static OpenAiError of(Check refusing, List<Check> checks, String model, Instant now) {
        String whose = whose(refusing.scope().kind());
        long seconds = Math.max(1, (refusing.reset().toMillis() + 999) / 1000);
        return switch (refusing.kind()) {
            case REQUESTS_PER_MINUTE -> OpenAiError.rateLimited("Rate limit reached for requests per minute (RPM) of "
                    + whose + ": Limit " + refusing.limit() + ". Please try again in " + seconds + "s.", "requests",
                    LimitHeaders.refusal(checks, refusing.reset()));
            case REQUESTS_PER_HOUR -> OpenAiError.rateLimited("Rate limit reached for requests per hour of " + whose
                    + ": Limit " + refusing.limit() + ". Please try again in " + seconds + "s.", "requests",
                    LimitHeaders.refusal(checks, refusing.reset()));
            case TOKENS_PER_MINUTE -> OpenAiError.rateLimited("Rate limit reached for tokens per minute (TPM) of " + whose
                    + ": Limit " + refusing.limit() + ". Please try again in " + seconds + "s.", "tokens",
                    LimitHeaders.refusal(checks, refusing.reset()));
            case CONCURRENCY -> OpenAiError.rateLimited("Too many concurrent requests of " + whose + " for the model '"
                    + ClientText.clip(model) + "': Limit " + refusing.limit()
                    + ". Please try again when one of them has finished.", "requests",
                    LimitHeaders.refusal(checks, CONCURRENCY_RETRY));
            default -> OpenAiError.insufficientQuota("You exceeded the "
                    + (refusing.kind().period == Calendar.Period.DAY ? "daily " : "monthly ")
                    + (refusing.kind().countsTokens() ? "token" : "request") + " budget of " + whose + " (Limit "
                    + refusing.limit() + "). It resets at " + now.plus(refusing.reset()).truncatedTo(ChronoUnit.SECONDS)
                    + ".", LimitHeaders.refusal(checks, refusing.reset()));
        };
    }

    private static String whose(Scope.Kind kind) {
        return switch (kind) {
            case USER -> "your user";
            case PROJECT -> "your project";
            case KEY -> "this API key";
        };
    }
}
