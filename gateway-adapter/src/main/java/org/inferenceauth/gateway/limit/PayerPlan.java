package org.inferenceauth.gateway.limit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.inferenceauth.gateway.limit.policy.Calendar;
import org.inferenceauth.gateway.limit.policy.LimitSet;
import org.inferenceauth.gateway.limit.policy.Scope;
import org.inferenceauth.gateway.limit.store.Op;
import org.inferenceauth.gateway.limit.store.Window;

/**
 * One payer's limits as store operations: built once per payer and limit set (the windows' keys and
 * numbers), the calendar counters' keys once a day, a model's slot key once per model. A request then
 * only lists them ({@link #addChecks}), so the hot path builds no key strings and formats no dates.
 */
final class PayerPlan {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration HOUR = Duration.ofHours(1);
    /** Counters outlive their window by this much, so one read at the window's very end still finds them. */
    private static final Duration COUNTER_MARGIN = Duration.ofDays(1);
    /** Slot operations kept per payer; a caller naming ever new models gets them built per call beyond this. */
    private static final int MODELS_KEPT = 64;

    /**
     * One check: which payer's which limit, the number to report, and for a rolling window its numbers,
     * for a calendar budget when its window ends.
     */
    record Step(Scope scope, Check.Kind kind, long limit, Window window, Instant end) {}

    /** The day's operations: keys naming the day and month, and when they end. */
    private record Day(long epochDay, Op[] ops, Step[] steps, List<Op> charges) {}

    private final Scope scope;
    private final String base;
    private final Op[] rolling;
    private final Step[] rollingSteps;
    private final Op tokensCharge;
    private final long slotLimit;
    private final Step slotStep;
    private final ConcurrentHashMap<String, Op> slots = new ConcurrentHashMap<>();
    private volatile Day day;

    PayerPlan(Scope scope) {
        this.scope = scope;
        this.base = scope.storeKey();
        LimitSet limits = scope.limits();
        List<Op> ops = new ArrayList<>(3);
        List<Step> steps = new ArrayList<>(3);
        limits.get(LimitSet.Field.REQUESTS_PER_MINUTE).ifPresent(rpm -> {
            Window window = new Window(limits.minuteCapacity(), rpm, MINUTE);
            ops.add(Op.take(base + ":rpm", window));
            steps.add(new Step(scope, Check.Kind.REQUESTS_PER_MINUTE, window.capacity(), window, null));
        });
        limits.get(LimitSet.Field.REQUESTS_PER_HOUR).ifPresent(rph -> {
            Window window = new Window(rph, rph, HOUR);
            ops.add(Op.take(base + ":rph", window));
            steps.add(new Step(scope, Check.Kind.REQUESTS_PER_HOUR, rph, window, null));
        });
        long tpm = limits.get(LimitSet.Field.TOKENS_PER_MINUTE).orElse(0);
        if (tpm > 0) {
            Window window = new Window(tpm, tpm, MINUTE);
            ops.add(Op.peek(base + ":tpm", window));
            steps.add(new Step(scope, Check.Kind.TOKENS_PER_MINUTE, tpm, window, null));
            tokensCharge = Op.charge(base + ":tpm", window);
        } else {
            tokensCharge = null;
        }
        this.rolling = ops.toArray(Op[]::new);
        this.rollingSteps = steps.toArray(Step[]::new);
        this.slotLimit = limits.get(LimitSet.Field.CONCURRENT_REQUESTS_PER_MODEL).orElse(0);
        this.slotStep = slotLimit > 0 ? new Step(scope, Check.Kind.CONCURRENCY, slotLimit, null, null) : null;
    }

    Scope scope() {
        return scope;
    }

    /** Lists this payer's checks for a request at {@code now} ({@code model} null: concurrency not limited). */
    void addChecks(Instant now, String model, List<Op> ops, List<Step> steps) {
        for (int i = 0; i < rolling.length; i++) {
            ops.add(rolling[i]);
            steps.add(rollingSteps[i]);
        }
        Day today = day(now);
        for (int i = 0; i < today.ops.length; i++) {
            ops.add(today.ops[i]);
            steps.add(today.steps[i]);
        }
        if (model != null && slotStep != null) {
            ops.add(slot(model));
            steps.add(slotStep);
        }
    }

    /** The operations a finished request's tokens are charged by (token window, day and month budgets). */
    List<Op> charges(Instant now) {
        return day(now).charges;
    }

    private Op slot(String model) {
        Op op = slots.get(model);
        if (op == null) {
            op = Op.slot(Limiter.slotKey(base, model), slotLimit);
            if (slots.size() < MODELS_KEPT) {
                slots.putIfAbsent(model, op);
            }
        }
        return op;
    }

    private Day day(Instant now) {
        long epochDay = Math.floorDiv(now.getEpochSecond(), 86_400);
        Day today = day;
        if (today == null || today.epochDay != epochDay) {
            today = build(epochDay, now);
            day = today;
        }
        return today;
    }

    private Day build(long epochDay, Instant now) {
        LimitSet limits = scope.limits();
        Instant dayEnd = Calendar.end(Calendar.Period.DAY, now);
        Instant monthEnd = Calendar.end(Calendar.Period.MONTH, now);
        List<Op> ops = new ArrayList<>(4);
        List<Step> steps = new ArrayList<>(4);
        List<Op> charges = new ArrayList<>(3);
        if (tokensCharge != null) {
            charges.add(tokensCharge);
        }
        for (Check.Kind kind : List.of(Check.Kind.REQUESTS_PER_DAY, Check.Kind.REQUESTS_PER_MONTH,
                Check.Kind.TOKENS_PER_DAY, Check.Kind.TOKENS_PER_MONTH)) {
            long limit = limits.get(kind.field).orElse(0);
            if (limit <= 0) {
                continue;
            }
            // The time to live applies when a counter is first touched; from here it is at most a day long.
            Instant end = kind.period == Calendar.Period.DAY ? dayEnd : monthEnd;
            Duration ttl = Duration.between(now, end).plus(COUNTER_MARGIN);
            String key = Limiter.counterKey(base, kind.countsTokens() ? "tok" : "req", kind.period, now);
            if (kind.countsTokens()) {
                ops.add(Op.below(key, limit));
                charges.add(Op.add(key, ttl));
            } else {
                ops.add(Op.count(key, limit, ttl));
            }
            steps.add(new Step(scope, kind, limit, null, end));
        }
        return new Day(epochDay, ops.toArray(Op[]::new), steps.toArray(Step[]::new), List.copyOf(charges));
    }
}
