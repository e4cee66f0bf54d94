package org.inferenceauth.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import org.inferenceauth.keycloak.usage.CalendarUsage.Counts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalendarUsageTest {

    @ParameterizedTest(name = "on {0} the day resets at {1}, the month at {2}")
    @CsvSource({
        "2026-11-30, 2026-12-01T00:00:00Z, 2026-12-01T00:00:00Z",  // the last day of a month: both at once
        "2026-12-15, 2026-12-16T00:00:00Z, 2027-01-01T00:00:00Z",  // across the year
        "2028-02-28, 2028-02-29T00:00:00Z, 2028-03-01T00:00:00Z",  // a leap February
    })
    void resets(LocalDate day, Instant dayReset, Instant monthReset) {
        CalendarUsage usage = CalendarUsage.none(day);
        assertThat(usage.dayResetsAt()).isEqualTo(dayReset);
        assertThat(usage.monthResetsAt()).isEqualTo(monthReset);
    }

    @Test
    void todayCountsForTheDayAndTheMonthEarlierDaysOnlyForTheMonth() {
        LocalDate today = LocalDate.parse("2026-11-30");
        CalendarUsage usage = CalendarUsage.none(today)
                .add(today.toEpochDay(), 3, 300)
                .add(today.minusDays(1).toEpochDay(), 10, 1_000)
                .add(today.withDayOfMonth(1).toEpochDay(), 1, 5);

        assertThat(usage.today()).isEqualTo(new Counts(3, 300));
        assertThat(usage.month()).isEqualTo(new Counts(14, 1_305));
    }
}
