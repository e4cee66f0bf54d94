package org.inferenceauth.keycloak.usage;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import org.keycloak.common.util.Time;

/** UTC calendar days on Keycloak's clock, and the periods reports group them by. */
public final class UsageDays {

    private UsageDays() {}

    public static LocalDate today() {
        return LocalDate.ofEpochDay(Math.floorDiv(Time.currentTime(), 86400L));
    }

    /** The last second of {@code day}, in epoch seconds. */
    public static long endOf(LocalDate day) {
        return day.plusDays(1).toEpochDay() * 86400L - 1;
    }

    /** A report's period: a day, an ISO week (Monday to Sunday) or a calendar month. */
    public enum Period {
        DAY, WEEK, MONTH;

        public LocalDate start(LocalDate day) {
            return switch (this) {
                case DAY -> day;
                case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                case MONTH -> day.withDayOfMonth(1);
            };
        }

        public LocalDate end(LocalDate day) {
            return switch (this) {
                case DAY -> day;
                case WEEK -> day.with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY));
                case MONTH -> day.with(TemporalAdjusters.lastDayOfMonth());
            };
        }
    }
}
