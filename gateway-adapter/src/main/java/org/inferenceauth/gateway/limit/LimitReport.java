package org.inferenceauth.gateway.limit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.inferenceauth.gateway.limit.policy.Calendar;
import org.inferenceauth.gateway.limit.policy.LimitSet;
import org.inferenceauth.gateway.limit.policy.Scope;
import org.inferenceauth.gateway.limit.store.LimitStore;
import org.inferenceauth.gateway.limit.store.Op;
import org.inferenceauth.gateway.limit.store.Window;

/**
 * {@code GET /v1/limits}: per payer its limits, what is left ({@code remaining}) and when each
 * window is full again or ends ({@code resets_at}, UTC), and per model the concurrency slots in use.
 * Reads only: rolling windows are estimated, counters read. A value the store cannot tell (Redis
 * down) is left out.
 */
final class LimitReport {

    private final LimitStore store;
    private final Calendar calendar;
    private final List<Scope> payers;
    private final List<String> models;

    LimitReport(LimitStore store, Calendar calendar, List<Scope> payers, List<String> models) {
        this.store = store;
        this.calendar = calendar;
        this.payers = payers;
        this.models = models;
    }

    CompletableFuture<JsonObject> build() {
        Instant now = calendar.now();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        JsonArray scopes = new JsonArray();
        for (Scope payer : payers) {
            JsonObject remaining = new JsonObject();
            JsonObject resets = new JsonObject();
            JsonObject concurrency = new JsonObject();
            scopes.add(new JsonObject().put("scope", payer.kind().label()).put("id", payer.id())
                    .put("limits", payer.limits().toJson()).put("remaining", remaining).put("resets_at", resets)
                    .put("concurrency", concurrency));
            LimitSet limits = payer.limits();
            String base = payer.storeKey();
            window(pending, limits, LimitSet.Field.REQUESTS_PER_MINUTE, base + ":rpm", remaining, resets, now,
                    rpm -> new Window(limits.minuteCapacity(), rpm, Duration.ofMinutes(1)));
            window(pending, limits, LimitSet.Field.REQUESTS_PER_HOUR, base + ":rph", remaining, resets, now,
                    rph -> new Window(rph, rph, Duration.ofHours(1)));
            window(pending, limits, LimitSet.Field.TOKENS_PER_MINUTE, base + ":tpm", remaining, resets, now,
                    tpm -> new Window(tpm, tpm, Duration.ofMinutes(1)));
            for (Check.Kind kind : List.of(Check.Kind.REQUESTS_PER_DAY, Check.Kind.REQUESTS_PER_MONTH,
                    Check.Kind.TOKENS_PER_DAY, Check.Kind.TOKENS_PER_MONTH)) {
                limits.get(kind.field).ifPresent(limit -> pending.add(store.read(Limiter.counterKey(base,
                        kind.countsTokens() ? "tok" : "req", kind.period, now)).toCompletableFuture().thenAccept(used -> {
                            if (used >= 0) {
                                put(remaining, kind.field.json(), Math.max(0, limit - used));
                                put(resets, kind.field.json(), Calendar.end(kind.period, now).toString());
                            }
                        })));
            }
            limits.get(LimitSet.Field.CONCURRENT_REQUESTS_PER_MODEL).ifPresent(limit -> {
                for (String model : models) {
                    pending.add(store.inUse(Limiter.slotKey(base, model)).toCompletableFuture().thenAccept(inUse ->
                            put(concurrency, model, new JsonObject().put("in_use", inUse).put("limit", limit))));
                }
            });
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .thenApply(done -> new JsonObject().put("object", "limits").put("scopes", scopes));
    }

    private void window(List<CompletableFuture<Void>> pending, LimitSet limits, LimitSet.Field field, String key,
                        JsonObject remaining, JsonObject resets, Instant now,
                        java.util.function.LongFunction<Window> window) {
        limits.get(field).ifPresent(limit -> pending.add(store.peek(Op.peek(key, window.apply(limit))).toCompletableFuture()
                .thenAccept(state -> {
                    if (state.known()) {
                        put(remaining, field.json(), Math.max(0, state.remaining()));
                        put(resets, field.json(), now.plus(state.reset()).truncatedTo(ChronoUnit.MILLIS).toString());
                    }
                })));
    }

    /** Store answers may complete on other threads: one JSON object at a time. */
    private static void put(JsonObject json, String field, Object value) {
        synchronized (json) {
            json.put(field, value);
        }
    }
}
