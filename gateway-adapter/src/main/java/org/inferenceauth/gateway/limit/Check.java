package org.inferenceauth.gateway.limit;

import java.time.Duration;
import org.inferenceauth.gateway.limit.policy.Calendar;
import org.inferenceauth.gateway.limit.policy.LimitSet;
import org.inferenceauth.gateway.limit.policy.Scope;

/**
 * The outcome of one limit of one payer for one request (the store gives back what it spent when
 * another limit refuses the request).
 *
 * @param limit     the limit's number (for a per-minute window: its capacity)
 * @param remaining what is left after this request (never below zero here)
 * @param reset     time until the window is full again (allowed) or the next unit comes (refused);
 *                  for calendar windows, until the window ends
 * @param known     false when the store could not answer (the check then allows and reports nothing)
 */
record Check(Scope scope, Kind kind, boolean allowed, long limit, long remaining, Duration reset, boolean known) {

    /** The kinds of limit, in the order a refusal is chosen within one payer. */
    enum Kind {
        REQUESTS_PER_MINUTE(LimitSet.Field.REQUESTS_PER_MINUTE, null),
        REQUESTS_PER_HOUR(LimitSet.Field.REQUESTS_PER_HOUR, null),
        TOKENS_PER_MINUTE(LimitSet.Field.TOKENS_PER_MINUTE, null),
        REQUESTS_PER_DAY(LimitSet.Field.REQUESTS_PER_DAY, Calendar.Period.DAY),
        REQUESTS_PER_MONTH(LimitSet.Field.REQUESTS_PER_MONTH, Calendar.Period.MONTH),
        TOKENS_PER_DAY(LimitSet.Field.TOKENS_PER_DAY, Calendar.Period.DAY),
        TOKENS_PER_MONTH(LimitSet.Field.TOKENS_PER_MONTH, Calendar.Period.MONTH),
        CONCURRENCY(LimitSet.Field.CONCURRENT_REQUESTS_PER_MODEL, null);

        final LimitSet.Field field;
        /** The calendar window of a budget; {@code null} for rolling windows and concurrency. */
        final Calendar.Period period;

        Kind(LimitSet.Field field, Calendar.Period period) {
            this.field = field;
            this.period = period;
        }

        boolean isRequestWindow() {
            return this == REQUESTS_PER_MINUTE || this == REQUESTS_PER_HOUR;
        }

        boolean isBudget() {
            return period != null;
        }

        boolean countsTokens() {
            return this == TOKENS_PER_MINUTE || this == TOKENS_PER_DAY || this == TOKENS_PER_MONTH;
        }
    }
}
