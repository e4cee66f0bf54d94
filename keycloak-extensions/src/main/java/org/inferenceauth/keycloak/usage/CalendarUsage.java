package org.inferenceauth.keycloak.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.keycloak.model.jpa.UsageStore;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Requests and tokens (prompt + completion) counted today and in this calendar month, UTC: what the
 * day and month limits are measured against. As the gateways last reported them, so up to a batch
 * interval behind; refused requests are not counted (they spend nothing).
 */
public record CalendarUsage(Counts today, Counts month, LocalDate day) {

    public record Counts(long requests, long tokens) {

        public static final Counts NONE = new Counts(0, 0);

        Counts plus(long moreRequests, long moreTokens) {
            return new Counts(requests + moreRequests, tokens + moreTokens);
        }
    }

    /** Nothing used on {@code day}. */
    public static CalendarUsage none(LocalDate day) {
        return new CalendarUsage(Counts.NONE, Counts.NONE, day);
    }

    /** When the day's counts start again: the next 00:00 UTC. */
    public Instant dayResetsAt() {
        return day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /** When the month's counts start again: the 1st of the next month, 00:00 UTC. */
    public Instant monthResetsAt() {
        return day.withDayOfMonth(1).plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /** One person's usage on every channel (all their keys and tokens, API and web UI). */
    public static CalendarUsage ofUser(KeycloakSession session, RealmModel realm, String userId) {
        LocalDate today = UsageDays.today();
        List<Object[]> rows = new UsageStore(session).userDays(realm.getId(), userId,
                monthStart(today), today.toEpochDay());
        CalendarUsage usage = none(today);
        for (Object[] row : rows) {
            usage = usage.add(number(row[0]), number(row[1]), number(row[2]));
        }
        return usage;
    }

    /** Each project's usage across its members' keys; a project without usage maps to {@link #none}. */
    public static Map<String, CalendarUsage> ofProjects(KeycloakSession session, RealmModel realm,
                                                        Collection<String> projects) {
        LocalDate today = UsageDays.today();
        Map<String, CalendarUsage> usage = new HashMap<>();
        projects.forEach(project -> usage.put(project, none(today)));
        for (Object[] row : new UsageStore(session).projectDays(realm.getId(), projects, monthStart(today),
                today.toEpochDay())) {
            usage.computeIfPresent((String) row[0], (p, u) -> u.add(number(row[1]), number(row[2]), number(row[3])));
        }
        return usage;
    }

    /** Adds one day's counts: to the month, and to today when it is today. */
    CalendarUsage add(long epochDay, long requests, long tokens) {
        Counts newToday = epochDay == day.toEpochDay() ? today.plus(requests, tokens) : today;
        return new CalendarUsage(newToday, month.plus(requests, tokens), day);
    }

    private static long monthStart(LocalDate today) {
        return today.withDayOfMonth(1).toEpochDay();
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
