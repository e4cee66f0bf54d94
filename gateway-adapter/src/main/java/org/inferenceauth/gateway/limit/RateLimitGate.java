package org.inferenceauth.gateway.limit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Where authenticated requests spend from their caller's budget: the proxy and forward-auth both
 * pass through here. The caller is the API key (each key has its own budget, so one runaway
 * script does not block its owner's other keys) or, for JWTs, the token's subject.
 */
public final class RateLimitGate {

    private final RateLimiter limiter;
    private final GatewayMetrics metrics;

    public RateLimitGate(RateLimiter limiter, GatewayMetrics metrics) {
        this.limiter = limiter;
        this.metrics = metrics;
    }

    /** The decision for one request of {@code identity}, completed on {@code context}. */
    public Future<RateDecision> admit(Identity identity, Context context) {
        return Future.fromCompletionStage(limiter.acquire(callerKey(identity)), context)
                .onSuccess(decision -> {
                    if (!decision.allowed()) {
                        metrics.rateLimited(identity.method());
                    }
                });
    }

    static String callerKey(Identity identity) {
        return identity.kind() == Identity.Kind.API_KEY ? "key:" + identity.keyId() : "sub:" + identity.subject();
    }
}
