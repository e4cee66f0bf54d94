package org.inferenceauth.gateway.routing;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Whether each upstream accepts the gateway's own upstream key ({@code GATEWAY_UPSTREAM_API_KEY},
 * vLLM's {@code --api-key}). A 401 from an upstream is about that key, never the client's: the
 * client's credential is stripped before the call. So it is a configuration error of the gateway's,
 * logged as an error once when an upstream starts refusing (and once when it accepts again) and
 * counted per upstream; the client is told the service is misconfigured, not that its key is bad.
 */
public final class UpstreamAuth {

    private static final Logger LOG = System.getLogger(UpstreamAuth.class.getName());

    private final GatewayMetrics metrics;
    private final Set<String> refusing = ConcurrentHashMap.newKeySet();

    public UpstreamAuth(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    /** Notes an upstream's answer; true when it was a 401, the upstream refusing the gateway's key. */
    public boolean refused(Upstream upstream, int status) {
        if (status == 401) {
            metrics.upstreamAuthFailure(upstream.label());
            if (refusing.add(upstream.label())) {
                LOG.log(Level.ERROR, "Upstream " + upstream.label() + " refuses the gateway's upstream key (HTTP 401). "
                        + "Check GATEWAY_UPSTREAM_API_KEY against the key the inference server was started with "
                        + "(vLLM --api-key). Until then its calls answer 502 upstream_auth_failed.");
            }
            return true;
        }
        if (!refusing.isEmpty() && refusing.remove(upstream.label())) {
            LOG.log(Level.INFO, "Upstream " + upstream.label() + " accepts the gateway's upstream key again");
        }
        return false;
    }
}
