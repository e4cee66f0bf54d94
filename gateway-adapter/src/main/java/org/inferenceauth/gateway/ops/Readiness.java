package org.inferenceauth.gateway.ops;

import io.vertx.core.json.JsonObject;
import org.inferenceauth.gateway.routing.ModelCatalog;

/**
 * Whether this replica should receive traffic: it can verify callers. That needs the realm's
 * signing keys (JWTs are verified locally, and Nimbus keeps them through an outage) and Keycloak
 * not refusing the gateway's own credentials (a configuration error, where a rollout should stop).
 * A Keycloak outage alone does not count: cached API keys are served through the outage grace,
 * JWTs keep verifying, only unknown keys get 503 — and every replica would fail the same way, so
 * taking them all out of the load balancer would turn a partial outage into a full one.
 */
public record Readiness(boolean jwksLoaded, Keycloak keycloak, long cachedApiKeys, ModelCatalog.Coverage models) {

    /** When the checks themselves failed. */
    static Readiness unknown() {
        return new Readiness(false, Keycloak.UNREACHABLE, 0, null);
    }

    /** What the gateway last heard from Keycloak. */
    public enum Keycloak { UP, UNREACHABLE, REFUSED }

    public boolean ready() {
        return jwksLoaded && keycloak != Keycloak.REFUSED;
    }

    JsonObject toJson() {
        JsonObject checks = new JsonObject()
                .put("jwks", jwksLoaded ? "UP" : "DOWN")
                .put("keycloak", keycloak.name())
                .put("cached_api_keys", cachedApiKeys);
        if (models != null) { // informative only: one upstream down must not take every replica out of the balancer
            checks.put("upstreams_listing_models", models.listed()).put("upstreams", models.upstreams());
        }
        return new JsonObject().put("status", ready() ? "UP" : "DOWN").put("checks", checks);
    }
}
