package org.inferenceauth.gateway.limit.policy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The UTC calendar windows of day and month budgets: which one a moment falls in (the stores' key
 * suffix, so a new day simply starts new counters) and when it ends.
 */
public final class Calendar {

    public enum Period {
        DAY("day"), MONTH("month");

        private final String label;

        Period(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Clock clock;

    public Calendar(Clock clock) {
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** A window's name, e.g. {@code d20261130} or {@code m202611}. */
    public static String window(Period period, Instant at) {
        LocalDate date = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return period == Period.DAY
                ? String.format("d%04d%02d%02d", date.getYear(), date.getMonthValue(), date.getDayOfMonth())
                : String.format("m%04d%02d", date.getYear(), date.getMonthValue());
    }

    /** When the window {@code at} falls in ends: next 00:00 UTC, or the next month's first at 00:00 UTC. */
    public static Instant end(Period period, Instant at) {
        LocalDate date = LocalDate.ofInstant(at, ZoneOffset.UTC);
        LocalDate next = period == Period.DAY ? date.plusDays(1) : date.withDayOfMonth(1).plusMonths(1);
        return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
