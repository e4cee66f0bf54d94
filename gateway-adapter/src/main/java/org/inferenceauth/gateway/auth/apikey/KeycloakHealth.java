package org.inferenceauth.gateway.auth.apikey;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Whether Keycloak accepts the gateway's own client credentials. A 401 or 403 to the gateway is not
 * an outage but a configuration error (secret rotated, client disabled or missing its role): the
 * revocation feed is unreadable too, so cached keys must not outlive their TTL on grace. It is
 * logged once when it starts and once when it ends, and is visible in metrics and readiness.
 */
public final class KeycloakHealth {

    private static final Logger LOG = System.getLogger(KeycloakHealth.class.getName());

    private final GatewayMetrics metrics;
    private final AtomicBoolean refused = new AtomicBoolean();

    public KeycloakHealth(GatewayMetrics metrics) {
        this.metrics = metrics;
        metrics.gauge("gateway_keycloak_credentials_refused",
                "1 while Keycloak refuses the gateway's client credentials (a configuration error), else 0",
                () -> refused.get() ? 1 : 0);
    }

    /** Keycloak answered a call of the gateway's with 401 or 403. */
    void refused(String call, int status) {
        metrics.keycloakRefusal();
        if (refused.compareAndSet(false, true)) {
            LOG.log(Level.ERROR, "Keycloak refuses the gateway's client credentials (HTTP " + status + " on " + call
                    + "). Check GATEWAY_KEYCLOAK_CLIENT_ID / GATEWAY_KEYCLOAK_CLIENT_SECRET against the realm's client, "
                    + "that it is enabled and that its service account has the role api-key-introspector. Until then "
                    + "unknown keys get 503, cached keys are served only until GATEWAY_KEY_CACHE_TTL, and revocations are not seen.");
        }
    }

    /** Keycloak answered a call of the gateway's. */
    void accepted() {
        if (refused.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "Keycloak accepts the gateway's client credentials again");
        }
    }

    public boolean refusing() {
        return refused.get();
    }
}
