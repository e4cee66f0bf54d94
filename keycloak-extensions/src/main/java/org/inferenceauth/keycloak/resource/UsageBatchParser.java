package org.inferenceauth.keycloak.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.inferenceauth.keycloak.keys.ApiKeyException;
import org.inferenceauth.keycloak.usage.UsageDays;
import org.inferenceauth.keycloak.usage.UsageRow;

/**
 * Reads a gateway's usage batch strictly ({@code docs/usage-contract.md}): any member, type or
 * value outside the contract refuses the whole batch with 400 {@code invalid_request}, naming the
 * entry and the member, never echoing a value.
 */
final class UsageBatchParser {

    static final int MAX_ENTRIES = 10_000;
    static final int MAX_DAYS_BACK = 31;
    static final int MAX_DAYS_AHEAD = 1;
    static final int MAX_STRING = 255;
    static final long MAX_COUNTER = 1L << 53;

    private static final Set<String> BATCH_MEMBERS = Set.of("batch_id", "source", "entries");
    private static final Set<String> ENTRY_MEMBERS = Set.of("day", "channel", "user_id", "user_email", "key_id",
            "client_id", "project", "model", "requests", "refused", "prompt_tokens", "completion_tokens", "last_used");
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    /** An entry as sent: its row (with the sender's user id) and the web UI's email, if any. */
    record Entry(UsageRow row, String userEmail) {}

    record Batch(String batchId, String source, List<Entry> entries) {}

    private UsageBatchParser() {}

    static Batch parse(byte[] body, long receivedAt) {
        JsonNode json = JsonBodies.object(body).orElseThrow(() -> invalid("The body must be a JSON object (UTF-8)."));
        onlyMembers(json, BATCH_MEMBERS, "the batch");
        String batchId = requiredText(json, "batch_id", "the batch", 36);
        if (!UUID_TEXT.matcher(batchId).matches()) {
            throw invalid("batch_id must be a UUID.");
        }
        String source = requiredText(json, "source", "the batch", 64);
        JsonNode entries = json.get("entries");
        if (entries == null || !entries.isArray()) {
            throw invalid("entries must be an array.");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw invalid("A batch holds at most " + MAX_ENTRIES + " entries.");
        }
        LocalDate today = UsageDays.today();
        List<Entry> parsed = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            parsed.add(entry(entries.get(i), "entries[" + i + "]", today, receivedAt));
        }
        return new Batch(UUID.fromString(batchId).toString(), source, parsed);
    }

    private static Entry entry(JsonNode json, String where, LocalDate today, long receivedAt) {
        if (json == null || !json.isObject()) {
            throw invalid(where + " must be an object.");
        }
        onlyMembers(json, ENTRY_MEMBERS, where);
        LocalDate day = day(requiredText(json, "day", where, 10), where);
        if (day.isBefore(today.minusDays(MAX_DAYS_BACK)) || day.isAfter(today.plusDays(MAX_DAYS_AHEAD))) {
            throw invalid(where + ".day must be at most " + MAX_DAYS_BACK + " days in the past and "
                    + MAX_DAYS_AHEAD + " in the future.");
        }
        String channel = requiredText(json, "channel", where, 8);
        if (!UsageRow.API.equals(channel) && !UsageRow.UI.equals(channel)) {
            throw invalid(where + ".channel must be \"api\" or \"ui\".");
        }
        String userEmail = optionalText(json, "user_email", where);
        if (userEmail != null && !UsageRow.UI.equals(channel)) {
            throw invalid(where + ".user_email is only allowed on channel \"ui\".");
        }
        long requests = counter(json, "requests", where);
        long refused = counter(json, "refused", where);
        long prompt = counter(json, "prompt_tokens", where);
        long completion = counter(json, "completion_tokens", where);
        if (requests == 0 && refused == 0 && prompt == 0 && completion == 0) {
            throw invalid(where + " counts nothing (every counter is 0).");
        }
        long lastUsed = json.has("last_used") && !json.get("last_used").isNull() ? counter(json, "last_used", where)
                : Math.min(receivedAt, UsageDays.endOf(day)); // no time given: the latest it can have been
        UsageRow row = new UsageRow(day, channel, requiredText(json, "user_id", where, MAX_STRING),
                orEmpty(optionalText(json, "project", where)), orEmpty(optionalText(json, "key_id", where)),
                orEmpty(optionalText(json, "client_id", where)), orEmpty(optionalText(json, "model", where)),
                requests, refused, prompt, completion, 0, lastUsed);
        return new Entry(row, userEmail);
    }

    private static void onlyMembers(JsonNode json, Set<String> allowed, String where) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw invalid(where + " has a member the contract does not know (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ").");
            }
        }
    }

    private static String requiredText(JsonNode json, String member, String where, int maxLength) {
        String value = optionalText(json, member, where);
        if (value == null) {
            throw invalid(where + "." + member + " is required.");
        }
        if (value.length() > maxLength) {
            throw invalid(where + "." + member + " is longer than " + maxLength + " characters.");
        }
        return value;
    }

    /** Absent, null and "" all mean "not given". */
    private static String optionalText(JsonNode json, String member, String where) {
        JsonNode value = json.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(where + "." + member + " must be a string.");
        }
        String text = value.asText();
        if (text.length() > MAX_STRING) {
            throw invalid(where + "." + member + " is longer than " + MAX_STRING + " characters.");
        }
        return text.isEmpty() ? null : text;
    }

    private static long counter(JsonNode json, String member, String where) {
        JsonNode value = json.get(member);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0 || value.asLong() > MAX_COUNTER) {
            throw invalid(where + "." + member + " must be a whole number from 0 to 2^53.");
        }
        return value.asLong();
    }

    private static LocalDate day(String text, String where) {
        try {
            if (DAY.matcher(text).matches()) {
                return LocalDate.parse(text);
            }
        } catch (DateTimeParseException e) {
            // refused below
        }
        throw invalid(where + ".day must be a UTC day YYYY-MM-DD.");
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static RuntimeException invalid(String description) {
        return ApiErrors.error(400, ApiKeyException.INVALID_REQUEST, description);
    }
}
