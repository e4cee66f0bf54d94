package org.inferenceauth.gateway.routing;

import io.vertx.core.http.HttpMethod;
import java.util.Set;

/**
 * The allow-list. Only OpenAI-compatible inference paths reach an upstream; everything else an
 * inference server exposes (vLLM's /metrics, /health, /tokenize, /invocations, /pooling, /score,
 * profiler and admin endpoints, which vLLM leaves open) is answered 404 by the gateway. Paths are
 * compared exactly, as sent: no prefix matching, so no {@code ..} or encoded-slash tricks.
 */
public final class PathPolicy {

    /** What the gateway does with a request path. */
    public enum Route {
        /** {@code GET /v1/models}: answered by the gateway from the upstreams' lists. */
        LIST_MODELS,
        /** {@code GET /v1/models/{id}}: answered by the gateway. */
        GET_MODEL,
        /** An inference call, proxied to the upstream serving the body's {@code model}. */
        INFERENCE,
        /** Not on the allow-list: 404. */
        BLOCKED
    }

    public static final String MODELS = "/v1/models";
    private static final Set<String> INFERENCE_PATHS = Set.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings");

    private final Set<String> extraPaths;

    /** @param extraPaths further POST paths to proxy, such as {@code /v1/responses} or {@code /v1/rerank} */
    public PathPolicy(Set<String> extraPaths) {
        this.extraPaths = Set.copyOf(extraPaths);
    }

    public Route route(HttpMethod method, String path) {
        if (path == null) {
            return Route.BLOCKED;
        }
        if (method == HttpMethod.GET && path.equals(MODELS)) {
            return Route.LIST_MODELS;
        }
        if (method == HttpMethod.GET && path.startsWith(MODELS + "/") && path.length() > MODELS.length() + 1) {
            return Route.GET_MODEL;
        }
        if (method == HttpMethod.POST && (INFERENCE_PATHS.contains(path) || extraPaths.contains(path))) {
            return Route.INFERENCE;
        }
        return Route.BLOCKED;
    }

    /** Whether a path (as seen in forward-auth mode) is on the allow-list for some method. */
    public boolean allowsPath(String path) {
        return route(HttpMethod.GET, path) != Route.BLOCKED || route(HttpMethod.POST, path) != Route.BLOCKED;
    }
}
