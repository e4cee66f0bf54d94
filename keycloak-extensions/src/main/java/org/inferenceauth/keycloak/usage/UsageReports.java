package org.inferenceauth.keycloak.usage;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.inferenceauth.keycloak.model.jpa.UsageStore;
import org.inferenceauth.keycloak.usage.UsageDays.Period;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** The usage reports of one realm. Callers validate parameters and check who may read what. */
public final class UsageReports {

    /** What {@code totals} can group by, with the entity field each one reads. */
    public enum Dimension {
        DAY("epochDay"), WEEK("epochDay"), MONTH("epochDay"), USER("userId"), PROJECT("project"), KEY("keyId"),
        CLIENT("clientId"), MODEL("model"), CHANNEL("channel");

        private final String field;

        Dimension(String field) {
            this.field = field;
        }

        public String parameter() {
            return name().toLowerCase();
        }

        /** The report's columns for this dimension ({@code user} adds the username). */
        List<String> columns() {
            return switch (this) {
                case USER -> List.of("user_id", "username");
                case KEY -> List.of("key_id");
                case CLIENT -> List.of("client_id");
                default -> List.of(parameter());
            };
        }

        public static Optional<Dimension> of(String parameter) {
            return Arrays.stream(values()).filter(d -> d.parameter().equals(parameter)).findFirst();
        }
    }

    /** How {@code top} ranks rows: by total tokens or by requests, most first. */
    public enum Order { TOKENS, REQUESTS }

    static final List<String> COUNTER_COLUMNS =
            List.of("requests", "refused", "prompt_tokens", "completion_tokens", "total_tokens", "logins");
    static final List<String> ACTIVE_COLUMNS = List.of("start", "end", "api_only", "ui_only", "both", "total", "new");

    private final KeycloakSession session;
    private final RealmModel realm;
    private final UsageStore store;

    public UsageReports(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.store = new UsageStore(session);
    }

    /**
     * Distinct people per period, split by channel: API only, web UI only, both; and those whose
     * first activity on any channel (in the kept data) falls in the period. Active = any row: a
     * request, a refused request or a web-UI login. Every period that overlaps the range is listed,
     * its start and end clipped to the range (counts only cover the range's days).
     */
    public UsageTable activeUsers(LocalDate from, LocalDate to, Period period) {
        Map<LocalDate, Map<String, Integer>> channelsByPeriod = new TreeMap<>();
        for (Object[] row : store.activity(realm.getId(), from.toEpochDay(), to.toEpochDay())) {
            LocalDate start = period.start(LocalDate.ofEpochDay(((Number) row[1]).longValue()));
            int bit = UsageRow.UI.equals(row[2]) ? 2 : 1;
            channelsByPeriod.computeIfAbsent(start, s -> new HashMap<>()).merge((String) row[0], bit, (a, b) -> a | b);
        }
        Map<LocalDate, Integer> newByPeriod = new HashMap<>();
        for (Object[] row : store.firstDays(realm.getId(), from.toEpochDay(), to.toEpochDay())) {
            newByPeriod.merge(period.start(LocalDate.ofEpochDay(((Number) row[1]).longValue())), 1, Integer::sum);
        }
        List<List<Object>> rows = new ArrayList<>();
        for (LocalDate start = period.start(from); !start.isAfter(to); start = period.end(start).plusDays(1)) {
            Map<String, Integer> people = channelsByPeriod.getOrDefault(start, Map.of());
            long apiOnly = people.values().stream().filter(b -> b == 1).count();
            long uiOnly = people.values().stream().filter(b -> b == 2).count();
            long both = people.values().stream().filter(b -> b == 3).count();
            LocalDate clippedStart = start.isBefore(from) ? from : start;
            LocalDate end = period.end(start).isAfter(to) ? to : period.end(start);
            rows.add(List.of(clippedStart.toString(), end.toString(), apiOnly, uiOnly, both, apiOnly + uiOnly + both,
                    (long) newByPeriod.getOrDefault(start, 0)));
        }
        return new UsageTable("periods", ACTIVE_COLUMNS, rows);
    }

    /**
     * Requests and tokens in the range, grouped by {@code groupBy} (none: one row of totals), of
     * everybody or of one user. Without {@code order} rows come in the order of their group values;
     * with it, most first; {@code top} keeps that many.
     */
    public UsageTable totals(LocalDate from, LocalDate to, List<Dimension> groupBy, String userId, Order order,
                             Integer top) {
        List<String> fields = groupBy.stream().map(d -> d.field).distinct().toList();
        Map<List<Object>, long[]> groups = new LinkedHashMap<>();
        for (Object[] result : store.totals(realm.getId(), fields, from.toEpochDay(), to.toEpochDay(), userId)) {
            List<Object> key = new ArrayList<>();
            for (Dimension dimension : groupBy) {
                key.add(result[fields.indexOf(dimension.field)]);
            }
            List<Object> rendered = render(groupBy, key);
            long[] sums = groups.computeIfAbsent(rendered, k -> new long[5]);
            for (int i = 0; i < 5; i++) {
                Object value = result[fields.size() + i];
                sums[i] += value == null ? 0 : ((Number) value).longValue();
            }
        }
        List<List<Object>> rows = new ArrayList<>();
        Map<String, String> usernames = new HashMap<>();
        groups.forEach((key, sums) -> {
            List<Object> row = new ArrayList<>();
            for (int i = 0; i < groupBy.size(); i++) {
                row.add(key.get(i));
                if (groupBy.get(i) == Dimension.USER) {
                    row.add(usernames.computeIfAbsent((String) key.get(i), this::username));
                }
            }
            row.addAll(List.of(sums[0], sums[1], sums[2], sums[3], sums[2] + sums[3], sums[4]));
            rows.add(row);
        });
        if (groupBy.isEmpty() && rows.isEmpty()) {
            rows.add(List.of(0L, 0L, 0L, 0L, 0L, 0L));
        }
        int counters = rows.isEmpty() ? 0 : rows.get(0).size() - COUNTER_COLUMNS.size();
        Comparator<List<Object>> byGroups = (a, b) -> compareGroups(a, b, counters);
        if (order != null) {
            int column = counters + (order == Order.TOKENS ? 4 : 0);
            rows.sort(Comparator.<List<Object>>comparingLong(r -> (Long) r.get(column)).reversed().thenComparing(byGroups));
        } else {
            rows.sort(byGroups);
        }
        List<String> columns = new ArrayList<>();
        groupBy.forEach(d -> columns.addAll(d.columns()));
        columns.addAll(COUNTER_COLUMNS);
        return new UsageTable("rows", columns, top == null || rows.size() <= top ? rows : rows.subList(0, top));
    }

    /** Group values as reports show them: days as dates, weeks and months as their first day; absent as null. */
    private static List<Object> render(List<Dimension> groupBy, List<Object> key) {
        List<Object> rendered = new ArrayList<>();
        for (int i = 0; i < groupBy.size(); i++) {
            Object value = key.get(i);
            rendered.add(switch (groupBy.get(i)) {
                case DAY -> LocalDate.ofEpochDay(((Number) value).longValue()).toString();
                case WEEK -> Period.WEEK.start(LocalDate.ofEpochDay(((Number) value).longValue())).toString();
                case MONTH -> Period.MONTH.start(LocalDate.ofEpochDay(((Number) value).longValue())).toString();
                default -> value == null || "".equals(value) ? null : value;
            });
        }
        return rendered;
    }

    private static int compareGroups(List<Object> a, List<Object> b, int columns) {
        for (int i = 0; i < columns; i++) {
            String x = a.get(i) == null ? "" : a.get(i).toString();
            String y = b.get(i) == null ? "" : b.get(i).toString();
            int c = x.compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The username of a user id; null for a deleted user's pseudonym (or any user gone). */
    private String username(String userId) {
        if (userId == null || userId.startsWith(UsageLifecycle.PSEUDONYM_PREFIX)) {
            return null;
        }
        UserModel user = session.users().getUserById(realm, userId);
        return user == null ? null : user.getUsername();
    }
}
