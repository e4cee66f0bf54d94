package org.inferenceauth.gateway.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.inferenceauth.gateway.auth.cache.KeyHash;
import org.inferenceauth.gateway.limit.policy.Calendar;
import org.inferenceauth.gateway.limit.policy.Scope;
import org.inferenceauth.gateway.limit.store.LimitStore;
import org.inferenceauth.gateway.limit.store.Op;
import org.inferenceauth.gateway.limit.store.Outcome;
import org.inferenceauth.gateway.limit.store.Slot;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Enforces the payers' limits on one request (issue 12; gateway-adapter README "Limits"): every limit of every
 * payer is checked at once, in one store call (one Redis script); if any refuses, nothing is spent and
 * the first refusal (person before project before key) is the answer.
 * Request windows and request budgets are spent on admission; token windows and budgets are only
 * looked at (a call that would start over budget is refused) and charged when the request ends,
 * with the tokens the upstream reported ({@link LimitCharge}); concurrency slots are held until then.
 */
public final class Limiter {

    private static final LimitDecision FREE = new LimitDecision.Allowed(BudgetHeaders.NONE, LimitCharge.NONE);

    private final LimitStore store;
    private final Calendar calendar;
    private final GatewayMetrics metrics;
    /** Each payer's operations, built once per payer and limit set (a changed set is another key). */
    private final Cache<Scope, PayerPlan> plans = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(20_000).expireAfterAccess(Duration.ofMinutes(30)).build();

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
        List<PayerPlan> planned = new ArrayList<>(payers.size());
        List<Op> ops = new ArrayList<>(8 * payers.size());
        List<PayerPlan.Step> steps = new ArrayList<>(8 * payers.size());
        for (Scope payer : payers) {
            PayerPlan plan = plan(payer);
            planned.add(plan);
            plan.addChecks(now, model, ops, steps);
        }
        if (ops.isEmpty()) { // only per-request caps, checked before: nothing to count
            return Future.succeededFuture(FREE);
        }
        CompletableFuture<Outcome[]> answered = store.admit(ops).toCompletableFuture();
        if (answered.isDone() && !answered.isCompletedExceptionally()) {
            // An in-memory store has answered already: no stage, no hop through the event loop.
            return Future.succeededFuture(decide(planned, steps, answered.join(), model, method, now));
        }
        return Future.fromCompletionStage(answered.thenApply(outcomes -> decide(planned, steps, outcomes, model, method,
                now)), context);
    }

    private PayerPlan plan(Scope payer) {
        return plans.get(payer, PayerPlan::new);
    }

    private LimitDecision decide(List<PayerPlan> planned, List<PayerPlan.Step> steps, Outcome[] outcomes,
                                 String model, String method, Instant now) {
        List<Check> checks = new ArrayList<>(outcomes.length);
        List<Slot> slots = null;
        Check refusing = null;
        for (int i = 0; i < outcomes.length; i++) {
            Check check = check(steps.get(i), outcomes[i], now);
            checks.add(check);
            if (!check.allowed() && refusing == null) {
                refusing = check;
            }
            if (outcomes[i].slot() != null) {
                if (slots == null) {
                    slots = new ArrayList<>(2);
                }
                slots.add(outcomes[i].slot());
            }
        }
        if (refusing == null) {
            return new LimitDecision.Allowed(LimitHeaders.of(checks),
                    new LimitCharge(this, planned, slots == null ? List.of() : slots));
        }
        metrics.rateLimited(method, refusing.scope().kind().label(), refusing.kind().field.json());
        return new LimitDecision.Refused(LimitRefusals.of(refusing, checks, model, now));
    }

    private static Check check(PayerPlan.Step step, Outcome outcome, Instant now) {
        Check.Kind kind = step.kind();
        if (!outcome.known()) {
            return new Check(step.scope(), kind, true, step.limit(), 0, Duration.ZERO, false);
        }
        return switch (kind) {
            case REQUESTS_PER_MINUTE, REQUESTS_PER_HOUR, TOKENS_PER_MINUTE -> outcome.allowed()
                    ? new Check(step.scope(), kind, true, step.limit(), outcome.value(),
                            step.window().untilFull(outcome.value()), true)
                    : new Check(step.scope(), kind, false, step.limit(), outcome.value(),
                            Duration.ofMillis(outcome.waitMillis()), true);
            case REQUESTS_PER_DAY, REQUESTS_PER_MONTH, TOKENS_PER_DAY, TOKENS_PER_MONTH -> new Check(step.scope(), kind,
                    outcome.allowed(), step.limit(), step.limit() - outcome.value(),
                    Duration.between(now, step.end()), true);
            case CONCURRENCY -> outcome.allowed()
                    ? new Check(step.scope(), kind, true, step.limit(), 0, Duration.ZERO, false)
                    : new Check(step.scope(), kind, false, step.limit(), 0, LimitRefusals.CONCURRENCY_RETRY, true);
        };
    }

    /** Ends a request: its slots back, its tokens charged to every payer's token window and budgets. */
    CompletableFuture<Void> settle(List<PayerPlan> planned, List<Slot> slots, long tokens) {
        List<Op> charges;
        if (tokens <= 0) {
            charges = List.of();
        } else if (planned.size() == 1) {
            charges = planned.get(0).charges(calendar.now());
        } else {
            Instant now = calendar.now();
            charges = new ArrayList<>();
            for (PayerPlan plan : planned) {
                charges.addAll(plan.charges(now));
            }
        }
        return store.settle(slots, charges, tokens).toCompletableFuture();
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
}
