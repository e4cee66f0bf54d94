package org.inferenceauth.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.inferenceauth.keycloak.usage.UsageDays.Period;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsageDaysTest {

    @ParameterizedTest(name = "{0} lies in the {1} from {2} to {3}")
    @CsvSource({
        "2026-11-29, WEEK, 2026-11-23, 2026-11-29",   // a Sunday ends its ISO week
        "2026-11-30, WEEK, 2026-11-30, 2026-12-06",   // a Monday starts one
        "2027-01-01, WEEK, 2026-12-28, 2027-01-03",   // weeks run across years
        "2026-11-30, MONTH, 2026-11-01, 2026-11-30",
        "2028-02-10, MONTH, 2028-02-01, 2028-02-29",  // a leap February
        "2026-11-29, DAY, 2026-11-29, 2026-11-29",
    })
    void periods(LocalDate day, Period period, LocalDate start, LocalDate end) {
        assertThat(period.start(day)).isEqualTo(start);
        assertThat(period.end(day)).isEqualTo(end);
    }

    @ParameterizedTest
    @CsvSource({"1970-01-01, 86399", "2026-11-29, 1795996799"})
    void endOfDay(LocalDate day, long lastSecond) {
        assertThat(UsageDays.endOf(day)).isEqualTo(lastSecond);
    }
}
