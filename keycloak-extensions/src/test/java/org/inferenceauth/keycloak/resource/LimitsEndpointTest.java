package org.inferenceauth.keycloak.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Map;
import org.inferenceauth.keycloak.limits.LimitField;
import org.inferenceauth.keycloak.limits.LimitSet;
import org.inferenceauth.keycloak.usage.CalendarUsage;
import org.inferenceauth.keycloak.usage.CalendarUsage.Counts;
import org.junit.jupiter.api.Test;

class LimitsEndpointTest {

    private static final LocalDate DAY = LocalDate.parse("2026-11-30");

    @Test
    @SuppressWarnings("unchecked")
    void remainingIsGivenForEachDayAndMonthLimitThatIsSetNeverBelowZero() {
        LimitSet limits = LimitSet.of(Map.of(LimitField.REQUESTS_PER_DAY, 100L, LimitField.TOKENS_PER_MONTH, 1_000L,
                LimitField.REQUESTS_PER_MINUTE, 5L));
        CalendarUsage usage = new CalendarUsage(new Counts(30, 400), new Counts(70, 1_500), DAY);

        Map<String, Object> scope = LimitsEndpoint.scope(limits, usage);

        assertThat((Map<String, Object>) scope.get("remaining"))
                .containsExactly(Map.entry("requests_per_day", 70L), Map.entry("tokens_per_month", 0L));
        assertThat(scope.get("limits")).isEqualTo(limits.toJson());
        Map<String, Object> windows = (Map<String, Object>) scope.get("usage");
        assertThat(windows.get("day")).isEqualTo(Map.of("requests", 30L, "tokens", 400L, "resetsAt", "2026-12-01T00:00:00Z"));
        assertThat(windows.get("month")).isEqualTo(Map.of("requests", 70L, "tokens", 1_500L, "resetsAt", "2026-12-01T00:00:00Z"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutLimitsNothingIsRemainingButTheUseIsShown() {
        Map<String, Object> scope = LimitsEndpoint.scope(LimitSet.EMPTY, CalendarUsage.none(DAY));
        assertThat((Map<String, Object>) scope.get("remaining")).isEmpty();
        assertThat((Map<String, Object>) scope.get("limits")).isEmpty();
    }
}
