package org.inferenceauth.gateway.limit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.inferenceauth.gateway.auth.cache.KeyHash;
import org.inferenceauth.gateway.limit.policy.Calendar;
import org.inferenceauth.gateway.limit.policy.LimitSet;
import org.inferenceauth.gateway.limit.policy.Scope;
import org.inferenceauth.gateway.limit.store.LimitStore;
import org.inferenceauth.gateway.limit.store.Slot;
import org.inferenceauth.gateway.limit.store.Window;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Enforces the payers' limits on one request (issue 12; gateway-adapter README "Limits"): every limit of every
 * payer is checked at once (one store round trip, in parallel); if any refuses, what the others
 * spent is given back and the first refusal (person before project before key) is the answer.
 * Request windows and request budgets are spent on admission; token windows and budgets are only
 * looked at (a call that would start over budget is refused) and charged when the request ends,
 * with the tokens the upstream reported ({@link LimitCharge}); concurrency slots are held until then.
 */
public final class Limiter {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration HOUR = Duration.ofHours(1);
    /** Counters outlive their window by this much, so one read at the window's very end still finds them. */
    private static final Duration COUNTER_MARGIN = Duration.ofDays(1);
    private static final LimitDecision FREE = new LimitDecision.Allowed(Map.of(), LimitCharge.NONE);

    private final LimitStore store;
    private final Calendar calendar;
    private final GatewayMetrics metrics;

    public Limiter(LimitStore store, Calendar calendar, GatewayMetrics metrics) {
        this.store = store;
        this.calendar = calendar;
        this.metrics = metrics;
    }

    /**
     * @param model  the model the request uses, for concurrency; {@code null} when it cannot be seen
     *               (forward-auth, multipart) or none is used: concurrency is then not limited
     * @param method the credential kind, for the refusal metric
     */
    public Future<LimitDecision> admit(List<Scope> payers, String model, String method, Context context) {
        if (payers.isEmpty()) {
            return Future.succeededFuture(FREE);
        }
        Instant now = calendar.now();
        List<CompletableFuture<Check>> pending = new ArrayList<>();
        List<Slot> slots = new CopyOnWriteArrayList<>();
        for (Scope payer : payers) {
            check(payer, model, now, pending, slots);
        }
        CompletableFuture<LimitDecision> decided = CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .thenCompose(done -> decide(payers, pending.stream().map(CompletableFuture::join).toList(), slots, model,
                        method, now));
        // An in-memory store has answered already: no hop through the event loop.
        return decided.isDone() ? Future.succeededFuture(decided.join()) : Future.fromCompletionStage(decided, context);
    }

    private void check(Scope payer, String model, Instant now, List<CompletableFuture<Check>> pending, List<Slot> slots) {
        LimitSet limits = payer.limits();
        String base = payer.storeKey();
        limits.get(LimitSet.Field.REQUESTS_PER_MINUTE).ifPresent(rpm -> pending.add(take(payer,
                Check.Kind.REQUESTS_PER_MINUTE, base + ":rpm", new Window(limits.minuteCapacity(), rpm, MINUTE))));
        limits.get(LimitSet.Field.REQUESTS_PER_HOUR).ifPresent(rph -> pending.add(take(payer,
                Check.Kind.REQUESTS_PER_HOUR, base + ":rph", new Window(rph, rph, HOUR))));
        limits.get(LimitSet.Field.TOKENS_PER_MINUTE).ifPresent(tpm -> {
            Window window = new Window(tpm, tpm, MINUTE);
            pending.add(stage(store.peek(base + ":tpm", window)).thenApply(state -> new Check(payer,
                    Check.Kind.TOKENS_PER_MINUTE, state.allowed(), tpm, state.remaining(), state.reset(), state.known(),
                    Check.NOTHING)));
        });
        for (Check.Kind kind : List.of(Check.Kind.REQUESTS_PER_DAY, Check.Kind.REQUESTS_PER_MONTH)) {
            limits.get(kind.field).ifPresent(limit -> {
                String key = counterKey(base, "req", kind.period, now);
                Duration reset = Duration.between(now, Calendar.end(kind.period, now));
                Duration ttl = reset.plus(COUNTER_MARGIN);
                pending.add(stage(store.takeIfBelow(key, limit, ttl)).thenApply(state -> new Check(payer, kind,
                        state.allowed(), limit, limit - state.value(), reset, state.known(),
                        state.allowed() && state.known() ? () -> store.add(key, -1, ttl) : Check.NOTHING)));
            });
        }
        for (Check.Kind kind : List.of(Check.Kind.TOKENS_PER_DAY, Check.Kind.TOKENS_PER_MONTH)) {
            limits.get(kind.field).ifPresent(limit -> {
                Duration reset = Duration.between(now, Calendar.end(kind.period, now));
                pending.add(stage(store.read(counterKey(base, "tok", kind.period, now))).thenApply(used -> used < 0
                        ? new Check(payer, kind, true, limit, 0, reset, false, Check.NOTHING)
                        : new Check(payer, kind, used < limit, limit, limit - used, reset, true, Check.NOTHING)));
            });
        }
        if (model != null) {
            limits.get(LimitSet.Field.CONCURRENT_REQUESTS_PER_MODEL).ifPresent(limit -> pending.add(
                    stage(store.acquire(slotKey(base, model), limit)).thenApply(slot -> {
                        if (slot == null) {
                            return new Check(payer, Check.Kind.CONCURRENCY, false, limit, 0,
                                    LimitRefusals.CONCURRENCY_RETRY, true, Check.NOTHING);
                        }
                        slots.add(slot);
                        return new Check(payer, Check.Kind.CONCURRENCY, true, limit, 0, Duration.ZERO, false, () -> {
                            slot.release();
                            return CompletableFuture.completedFuture(null);
                        });
                    })));
        }
    }

    private CompletableFuture<Check> take(Scope payer, Check.Kind kind, String key, Window window) {
        return stage(store.take(key, window)).thenApply(state -> new Check(payer, kind, state.allowed(),
                window.capacity(), state.remaining(), state.reset(), state.known(),
                state.allowed() && state.known() ? () -> store.giveBack(key, window, 1) : Check.NOTHING));
    }

    private CompletableFuture<LimitDecision> decide(List<Scope> payers, List<Check> checks, List<Slot> slots,
                                                    String model, String method, Instant now) {
        Check refusing = checks.stream().filter(check -> !check.allowed()).findFirst().orElse(null);
        if (refusing == null) {
            return CompletableFuture.completedFuture(new LimitDecision.Allowed(LimitHeaders.of(checks),
                    new LimitCharge(this, payers, List.copyOf(slots))));
        }
        metrics.rateLimited(method, refusing.scope().kind().label(), refusing.kind().field.json());
        LimitDecision refused = new LimitDecision.Refused(LimitRefusals.of(refusing, checks, model, now));
        // Answered once the units are back, so the caller's next call finds them.
        return CompletableFuture.allOf(checks.stream().map(check -> check.undo().get().toCompletableFuture())
                .toArray(CompletableFuture[]::new)).handle((done, error) -> refused);
    }

    /** Charges a finished request's tokens to every payer's token window and budgets. */
    CompletableFuture<Void> chargeTokens(List<Scope> payers, long tokens) {
        Instant now = calendar.now();
        List<CompletableFuture<Void>> charged = new ArrayList<>();
        for (Scope payer : payers) {
            LimitSet limits = payer.limits();
            String base = payer.storeKey();
            limits.get(LimitSet.Field.TOKENS_PER_MINUTE).ifPresent(tpm ->
                    charged.add(stage(store.charge(base + ":tpm", new Window(tpm, tpm, MINUTE), tokens))));
            for (Check.Kind kind : List.of(Check.Kind.TOKENS_PER_DAY, Check.Kind.TOKENS_PER_MONTH)) {
                if (limits.has(kind.field)) {
                    charged.add(stage(store.add(counterKey(base, "tok", kind.period, now), tokens,
                            Duration.between(now, Calendar.end(kind.period, now)).plus(COUNTER_MARGIN))));
                }
            }
        }
        return CompletableFuture.allOf(charged.toArray(CompletableFuture[]::new));
    }

    /**
     * The payers' limits, what is left of each and when it resets, and the slots in use per model
     * ({@code GET /v1/limits}); nothing is spent.
     */
    public Future<JsonObject> report(List<Scope> payers, List<String> models, Context context) {
        CompletableFuture<JsonObject> report = new LimitReport(store, calendar, payers, models).build();
        return report.isDone() ? Future.succeededFuture(report.join()) : Future.fromCompletionStage(report, context);
    }

    static String counterKey(String base, String what, Calendar.Period period, Instant now) {
        return base + ":" + what + ":" + Calendar.window(period, now);
    }

    /** A model's slot key: its name, or a digest of a name too long to be a sensible key. */
    static String slotKey(String base, String model) {
        if (model.length() <= 128) {
            return base + ":slots:" + model;
        }
        return base + ":slots:sha256:" + KeyHash.of(model);
    }

    private static <T> CompletableFuture<T> stage(CompletionStage<T> stage) {
        return stage.toCompletableFuture();
    }
}
