package org.inferenceauth.keycloak.resource;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.inferenceauth.keycloak.keys.ApiKeyException;
import org.inferenceauth.keycloak.usage.UsageDays;
import org.inferenceauth.keycloak.usage.UsageDays.Period;
import org.inferenceauth.keycloak.usage.UsageReports.Dimension;
import org.inferenceauth.keycloak.usage.UsageReports.Order;

/**
 * The query parameters of the usage reports, read strictly: an unknown or repeated parameter, or a
 * value outside the contract, is 400 {@code invalid_request} (a typo never silently widens a report).
 */
public record ReportParameters(LocalDate from, LocalDate to, Period period, List<Dimension> groupBy, Order order,
                               Integer top, boolean csv) {

    public static final int DEFAULT_DAYS = 30;
    public static final int MAX_DAYS = 3660;
    public static final int MAX_TOP = 1000;

    public static final Set<String> ACTIVE_USERS = Set.of("from", "to", "period", "format");
    public static final Set<String> TOTALS = Set.of("from", "to", "group_by", "top", "order", "format");

    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    /**
     * @param allowed  the parameters this report takes
     * @param mayGroupByUser false for a person's own report
     */
    public static ReportParameters read(MultivaluedMap<String, String> query, HttpHeaders headers, Set<String> allowed,
                                        boolean mayGroupByUser) {
        for (String name : query.keySet()) {
            if (!allowed.contains(name)) {
                throw invalid("Unknown parameter " + quoted(name) + "; this report takes "
                        + String.join(", ", allowed.stream().sorted().toList()) + ".");
            }
            if (query.get(name).size() != 1) {
                throw invalid("Parameter " + name + " is repeated.");
            }
        }
        LocalDate today = UsageDays.today();
        LocalDate to = day(query.getFirst("to"), "to", today);
        LocalDate from = day(query.getFirst("from"), "from", to.minusDays(DEFAULT_DAYS - 1));
        if (from.isAfter(to)) {
            throw invalid("from must not be after to.");
        }
        if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_DAYS) {
            throw invalid("A report covers at most " + MAX_DAYS + " days.");
        }
        return new ReportParameters(from, to, period(query.getFirst("period")),
                groupBy(query.getFirst("group_by"), mayGroupByUser), order(query.getFirst("order"), query.getFirst("top")),
                top(query.getFirst("top")), csv(query.getFirst("format"), headers));
    }

    private static LocalDate day(String value, String name, LocalDate fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            if (DAY.matcher(value).matches()) {
                return LocalDate.parse(value);
            }
        } catch (RuntimeException e) {
            // refused below
        }
        throw invalid(name + " must be a UTC day YYYY-MM-DD.");
    }

    private static Period period(String value) {
        if (value == null) {
            return Period.WEEK;
        }
        return switch (value) {
            case "day" -> Period.DAY;
            case "week" -> Period.WEEK;
            case "month" -> Period.MONTH;
            default -> throw invalid("period must be day, week or month.");
        };
    }

    private static List<Dimension> groupBy(String value, boolean mayGroupByUser) {
        List<Dimension> dimensions = new ArrayList<>();
        if (value == null || value.isEmpty()) {
            return dimensions;
        }
        for (String name : value.split(",", -1)) {
            Dimension dimension = Dimension.of(name.strip()).orElseThrow(() -> invalid(
                    "group_by takes a comma-separated list of day, week, month, user, project, key, client, model, channel."));
            if (dimension == Dimension.USER && !mayGroupByUser) {
                throw invalid("Your own report cannot be grouped by user.");
            }
            if (dimensions.contains(dimension)) {
                throw invalid("group_by names " + dimension.parameter() + " twice.");
            }
            dimensions.add(dimension);
        }
        return dimensions;
    }

    /** {@code top} without {@code order} ranks by tokens: "the top N" means the biggest. */
    private static Order order(String value, String top) {
        if (value == null) {
            return top == null ? null : Order.TOKENS;
        }
        return switch (value) {
            case "tokens" -> Order.TOKENS;
            case "requests" -> Order.REQUESTS;
            default -> throw invalid("order must be tokens or requests.");
        };
    }

    private static Integer top(String value) {
        if (value == null) {
            return null;
        }
        try {
            int top = Integer.parseInt(value);
            if (top >= 1 && top <= MAX_TOP && value.equals(Integer.toString(top))) {
                return top;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw invalid("top must be a whole number from 1 to " + MAX_TOP + ".");
    }

    private static boolean csv(String format, HttpHeaders headers) {
        if (format == null) {
            return headers.getAcceptableMediaTypes().stream()
                    .anyMatch(t -> "text".equals(t.getType()) && "csv".equals(t.getSubtype()));
        }
        return switch (format) {
            case "csv" -> true;
            case "json" -> false;
            default -> throw invalid("format must be json or csv.");
        };
    }

    /** A parameter name as the caller sent it, shortened: names are the caller's, values are never echoed. */
    private static String quoted(String name) {
        String shown = name.length() > 40 ? name.substring(0, 40) + "…" : name;
        return "\"" + shown.replaceAll("[^\\x20-\\x7e…]", "?") + "\"";
    }

    private static RuntimeException invalid(String description) {
        return ApiErrors.error(400, ApiKeyException.INVALID_REQUEST, description);
    }
}
