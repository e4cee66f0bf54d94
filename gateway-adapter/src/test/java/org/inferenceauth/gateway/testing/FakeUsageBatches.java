package org.inferenceauth.gateway.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code POST /realms/{r}/usage/batches} of docs/usage-contract.md, to the letter, for the gateway's
 * tests: strict UTF-8 JSON without repeated members, a UUID {@code batch_id}, a 1-64 character
 * {@code source}, at most 10,000 entries whose fields are the contract's (unknown members refused),
 * strings of at most 255 characters, counters that are integers 0..2^53 and not all 0, days from 31
 * days back to 1 day ahead of the realm's clock, {@code user_email} only on {@code ui}; 413 above
 * 8 MiB. A batch is stored at most once and whole: its id again answers {@code duplicate: true}.
 */
final class FakeUsageBatches {

    static final int MAX_BODY = 8 * 1024 * 1024;
    static final int MAX_ENTRIES = 10_000;
    private static final long MAX_COUNTER = 1L << 53;
    private static final Set<String> TOP = Set.of("batch_id", "source", "entries");
    private static final Set<String> STRINGS = Set.of("user_id", "user_email", "key_id", "client_id", "project", "model");
    private static final Set<String> COUNTERS = Set.of("requests", "refused", "prompt_tokens", "completion_tokens");
    private static final Set<String> ENTRY = Stream.of(STRINGS, COUNTERS, Set.of("day", "channel", "last_used"))
            .flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** An answer: status and JSON body. */
    record Answer(int status, String body) {}

    /** A stored batch. */
    record Stored(String batchId, String source, List<JsonNode> entries) {}

    static final class Invalid extends Exception {
        Invalid(String description) {
            super(description, null, false, false);
        }
    }

    private final Supplier<Clock> clock;
    private final Map<String, Stored> batches = new LinkedHashMap<>();

    FakeUsageBatches(Supplier<Clock> clock) {
        this.clock = clock;
    }

    synchronized Answer post(byte[] body) {
        if (body.length > MAX_BODY) {
            return new Answer(413, "{\"error\":\"invalid_request\",\"error_description\":\"The body exceeds 8 MiB.\"}");
        }
        Stored batch;
        try {
            batch = parse(body);
        } catch (Invalid invalid) {
            ObjectNode error = JSON.createObjectNode().put("error", "invalid_request").put("error_description", invalid.getMessage());
            return new Answer(400, error.toString());
        }
        if (batches.containsKey(batch.batchId())) {
            return new Answer(200, "{\"accepted\":0,\"duplicate\":true}");
        }
        batches.put(batch.batchId(), batch);
        return new Answer(200, "{\"accepted\":" + batch.entries().size() + ",\"duplicate\":false}");
    }

    synchronized List<Stored> stored() {
        return List.copyOf(batches.values());
    }

    private Stored parse(byte[] body) throws Invalid {
        JsonNode root;
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            root = JSON.readTree(body);
        } catch (CharacterCodingException e) {
            throw new Invalid("The body is not UTF-8.");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Invalid("The body is not JSON without repeated members: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new Invalid("The body is not JSON.");
        }
        if (root == null || !root.isObject()) {
            throw new Invalid("The body must be a JSON object.");
        }
        onlyKnown(root, TOP, "batch");
        String batchId = text(root, "batch_id");
        try {
            if (batchId == null || !UUID.fromString(batchId).toString().equals(batchId.toLowerCase())) {
                throw new Invalid("batch_id must be a UUID.");
            }
        } catch (IllegalArgumentException e) {
            throw new Invalid("batch_id must be a UUID.");
        }
        String source = text(root, "source");
        if (source == null || source.isEmpty() || source.length() > 64) {
            throw new Invalid("source must be 1-64 characters.");
        }
        JsonNode entries = root.get("entries");
        if (entries == null || !entries.isArray() || entries.size() > MAX_ENTRIES) {
            throw new Invalid("entries must be an array of at most " + MAX_ENTRIES + " entries.");
        }
        List<JsonNode> valid = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            valid.add(entry(entries.get(i), "entries[" + i + "]"));
        }
        return new Stored(batchId, source, List.copyOf(valid));
    }

    private JsonNode entry(JsonNode entry, String where) throws Invalid {
        if (!entry.isObject()) {
            throw new Invalid(where + " must be an object.");
        }
        onlyKnown(entry, ENTRY, where);
        LocalDate today = LocalDate.now(clock.get().withZone(ZoneOffset.UTC));
        String dayText = text(entry, "day");
        LocalDate day;
        try {
            day = dayText == null ? null : LocalDate.parse(dayText);
        } catch (DateTimeParseException e) {
            day = null;
        }
        if (day == null || !dayText.matches("\\d{4}-\\d{2}-\\d{2}")) {
            throw new Invalid(where + ".day must be a YYYY-MM-DD day.");
        }
        if (day.isBefore(today.minusDays(31)) || day.isAfter(today.plusDays(1))) {
            throw new Invalid(where + ".day must be at most 31 days in the past and 1 day in the future.");
        }
        String channel = text(entry, "channel");
        if (!"api".equals(channel) && !"ui".equals(channel)) {
            throw new Invalid(where + ".channel must be api or ui.");
        }
        for (String field : STRINGS) {
            JsonNode value = entry.get(field);
            if (value != null && !value.isNull() && (!value.isTextual() || value.textValue().length() > 255)) {
                throw new Invalid(where + "." + field + " must be a string of at most 255 characters.");
            }
        }
        String userId = text(entry, "user_id");
        if (userId == null || userId.isEmpty()) {
            throw new Invalid(where + ".user_id is required.");
        }
        if (text(entry, "user_email") != null && !"ui".equals(channel)) {
            throw new Invalid(where + ".user_email is allowed on channel ui only.");
        }
        long sum = 0;
        for (String field : COUNTERS) {
            sum += counter(entry, field, where);
        }
        counter(entry, "last_used", where);
        if (sum == 0) {
            throw new Invalid(where + " counts nothing.");
        }
        return entry;
    }

    private static long counter(JsonNode entry, String field, String where) throws Invalid {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0 || value.longValue() > MAX_COUNTER) {
            throw new Invalid(where + "." + field + " must be an integer from 0 to 2^53.");
        }
        return value.longValue();
    }

    private static void onlyKnown(JsonNode object, Set<String> known, String where) throws Invalid {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new Invalid(where + " has an unknown member " + name + ".");
            }
        }
    }

    private static String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }
}
