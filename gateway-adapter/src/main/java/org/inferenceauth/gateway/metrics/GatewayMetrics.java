package org.inferenceauth.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus metrics. Labels are low-cardinality by construction: no user, key or
 * model ids (those belong in the access log and in usage reports). It sits at the bottom of the
 * package graph: everything may record here, and it imports nothing of the gateway's.
 */
public final class GatewayMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * Meters every request touches, looked up by their label values in maps of their own: building
     * one through Micrometer's builder on each request (tags sorted, id built, registry lookup) cost
     * more than the rest of the cache-hit path's bookkeeping. The label sets are small and bounded.
     */
    private record Labels(String a, String b, String c) {}

    private final Map<Labels, Counter> requests = new ConcurrentHashMap<>();
    private final Map<Labels, Counter> auths = new ConcurrentHashMap<>();
    private final Map<Labels, Timer> upstreams = new ConcurrentHashMap<>();
    private final Map<Labels, Counter> keyCache = new ConcurrentHashMap<>();

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * One finished request: {@code route} is proxy, models, forward_auth or rejected; {@code channel}
     * is ui (the web UI's users), api, or none before an identity was established.
     */
    public void request(String route, String channel, int status) {
        requests.computeIfAbsent(new Labels(route, channel, Integer.toString(status)), labels -> Counter.builder("gateway_requests")
                .description("Requests answered by the gateway, by route, channel and HTTP status")
                .tag("route", labels.a()).tag("channel", labels.b()).tag("status", labels.c())
                .register(registry)).increment();
    }

    /**
     * {@code method}: api_key, jwt or none; {@code channel}: ui, api, or none when no identity was
     * established; {@code outcome}: authenticated, rejected, unavailable, throttled, forbidden.
     */
    public void auth(String method, String channel, String outcome) {
        auths.computeIfAbsent(new Labels(method, channel, outcome), labels -> Counter.builder("gateway_auth")
                .description("Authentication decisions, by credential kind, channel and outcome")
                .tag("method", labels.a()).tag("channel", labels.b()).tag("outcome", labels.c())
                .register(registry)).increment();
    }

    /**
     * A request refused with 429 by a limit: {@code method} the credential kind, {@code scope} whose
     * limit (user, project, key), {@code limit} which one (the contract's field name).
     */
    public void rateLimited(String method, String scope, String limit) {
        Counter.builder("gateway_rate_limited")
                .description("Requests refused because a limit was reached, by credential kind, payer and limit")
                .tag("method", method).tag("scope", scope).tag("limit", limit)
                .register(registry).increment();
    }

    /** The shared limit store (Redis) failed an operation; windows and budgets let the request through. */
    public void rateLimitStoreError() {
        Counter.builder("gateway_rate_limit_store_errors")
                .description("Limit store failures (windows and budgets let requests through; concurrency is counted per replica)")
                .register(registry).increment();
    }

    /** Keycloak answered one of the gateway's calls with 401/403: its client credentials are refused. */
    public void keycloakRefusal() {
        Counter.builder("gateway_keycloak_refusals")
                .description("Keycloak calls refused for the gateway's client credentials (a configuration error)")
                .register(registry).increment();
    }

    public void keyCache(boolean hit) {
        keyCache.computeIfAbsent(new Labels(hit ? "hit" : "miss", "", ""), labels -> Counter.builder("gateway_key_cache")
                .description("API-key cache lookups")
                .tag("result", labels.a())
                .register(registry)).increment();
    }

    public void introspection(Duration took, boolean succeeded) {
        Timer.builder("gateway_introspection")
                .description("Latency of API-key introspection calls to Keycloak")
                .tag("outcome", succeeded ? "answered" : "failed")
                .publishPercentileHistogram()
                .register(registry).record(took);
    }

    /** Time from sending the request upstream to receiving its response headers. */
    public void upstream(String upstream, int status, Duration took) {
        upstreams.computeIfAbsent(new Labels(upstream, Integer.toString(status), ""), labels -> Timer.builder("gateway_upstream")
                .description("Upstream latency to response headers, by upstream and status")
                .tag("upstream", labels.a()).tag("status", labels.b())
                .publishPercentileHistogram()
                .register(registry)).record(took);
    }

    /** An upstream answered 401: it refuses the gateway's own upstream key (a configuration error). */
    public void upstreamAuthFailure(String upstream) {
        Counter.builder("gateway_upstream_auth_failures")
                .description("Upstream answers 401: the upstream refuses the gateway's upstream key, by upstream")
                .tag("upstream", upstream)
                .register(registry).increment();
    }

    public void revocationsApplied(String kind, int evicted) {
        Counter.builder("gateway_revocation_evictions")
                .description("Cached identities evicted because Keycloak reported them revoked")
                .tag("kind", kind)
                .register(registry).increment(evicted);
    }

    /**
     * One request of an authenticated caller for usage accounting ({@code outcome} requests or
     * refused) and its tokens. Labels stay bounded: served models (else {@code (other)}/{@code (none)}),
     * operator-made projects, the channel; never the user or the key. On every request's path, so
     * the counters are looked up in a map of their own instead of being built each time.
     */
    public void usage(String model, String project, String channel, String outcome, long promptTokens,
                      long completionTokens) {
        UsageCounters counters = usageCounters.computeIfAbsent(new UsageLabels(model, project, channel, outcome),
                this::usageCounters);
        counters.requests().increment();
        if (promptTokens > 0) {
            counters.prompt().increment(promptTokens);
        }
        if (completionTokens > 0) {
            counters.completion().increment(completionTokens);
        }
    }

    private record UsageLabels(String model, String project, String channel, String outcome) {}

    private record UsageCounters(Counter requests, Counter prompt, Counter completion) {}

    private final Map<UsageLabels, UsageCounters> usageCounters = new ConcurrentHashMap<>();

    private UsageCounters usageCounters(UsageLabels labels) {
        return new UsageCounters(Counter.builder("gateway_usage_requests")
                .description("Requests of authenticated callers, by model, project, channel and outcome (requests, refused)")
                .tag("model", labels.model()).tag("project", labels.project()).tag("channel", labels.channel())
                .tag("outcome", labels.outcome())
                .register(registry),
                usageTokens(labels, "prompt"), usageTokens(labels, "completion"));
    }

    private Counter usageTokens(UsageLabels labels, String kind) {
        return Counter.builder("gateway_usage_tokens")
                .description("Tokens the upstreams reported, by model, project and kind (prompt, completion)")
                .tag("model", labels.model()).tag("project", labels.project()).tag("kind", kind)
                .register(registry);
    }

    /** A usage batch's fate: delivered, duplicate, failed (retried), rejected (set aside), spilled, spill_failed. */
    public void usageBatch(String outcome) {
        Counter.builder("gateway_usage_batches")
                .description("Usage batches sent to Keycloak or spilled, by outcome")
                .tag("outcome", outcome)
                .register(registry).increment();
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** Audit mode let a call without a valid credential through; {@code reason} says what was wrong with it. */
    public void auditPass(String reason) {
        Counter.builder("gateway_audit_passes")
                .description("Calls without a valid credential let through in audit mode, by reason (missing, malformed, "
                        + "invalid, multiple_credentials, throttled, keycloak_unavailable)")
                .tag("reason", reason)
                .register(registry).increment();
    }

    /** A legacy subnet (an operator-configured CIDR, so bounded) let a call through unauthenticated. */
    public void legacySubnetPass(String subnet) {
        Counter.builder("gateway_legacy_subnet_passes")
                .description("Calls let through unauthenticated from a legacy subnet, by subnet")
                .tag("subnet", subnet)
                .register(registry).increment();
    }

    /** A shared legacy key (operator-configured label) was presented: {@code accepted} before its sunset, else {@code retired}. */
    public void legacyKey(String label, String outcome) {
        Counter.builder("gateway_legacy_key_calls")
                .description("Calls with a shared legacy key, by label and outcome (accepted, retired)")
                .tag("label", label).tag("outcome", outcome)
                .register(registry).increment();
    }
}
