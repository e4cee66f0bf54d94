package org.inferenceauth.gateway.routing;

import io.vertx.core.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The allow-list, for both front doors. Only OpenAI-compatible inference paths reach an upstream;
 * everything else an inference server exposes (vLLM's /metrics, /health, /tokenize, /invocations,
 * /pooling, /score, profiler and admin endpoints, which vLLM leaves open) is refused. Paths are
 * compared exactly, as sent: no prefix matching, so no {@code ..} or encoded-slash tricks.
 */
public final class PathPolicy {

    /** What the gateway does with a request path. */
    public enum Route {
        /** {@code GET /v1/models}: answered by the gateway from the upstreams' lists. */
        LIST_MODELS,
        /** {@code GET /v1/models/{id}}: answered by the gateway (the proxy only). */
        GET_MODEL,
        /** {@code GET /v1/limits}: the caller's limits, answered by the gateway (the proxy only). */
        LIMITS,
        /** An inference call, proxied to the upstream serving the body's {@code model}. */
        INFERENCE,
        /** Not on the allow-list: 404 (403 in forward-auth). */
        BLOCKED,
        /** A path that cannot be read (a malformed %-escape): 400. */
        MALFORMED
    }

    public static final String MODELS = "/v1/models";
    public static final String LIMITS = "/v1/limits";
    private static final String MODEL_PREFIX = MODELS + "/";
    private static final Set<String> INFERENCE_PATHS = Set.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings");
    private static final Pattern MALFORMED_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private final Set<String> extraPaths;

    /** @param extraPaths further POST paths to proxy, such as {@code /v1/responses} or {@code /v1/rerank} */
    public PathPolicy(Set<String> extraPaths) {
        this.extraPaths = Set.copyOf(extraPaths);
    }

    /** The proxy's routing of a raw (not decoded) request path. */
    public Route route(HttpMethod method, String path) {
        if (path == null) {
            return Route.BLOCKED;
        }
        if (MALFORMED_ESCAPE.matcher(path).find()) {
            return Route.MALFORMED;
        }
        if (method == HttpMethod.GET && path.equals(MODELS)) {
            return Route.LIST_MODELS;
        }
        if (method == HttpMethod.GET && path.equals(LIMITS)) {
            return Route.LIMITS;
        }
        if (method == HttpMethod.GET && path.startsWith(MODEL_PREFIX) && path.length() > MODEL_PREFIX.length()) {
            return Route.GET_MODEL; // answered by the gateway itself: the id never reaches an upstream
        }
        if (method == HttpMethod.POST && (INFERENCE_PATHS.contains(path) || extraPaths.contains(path))) {
            return Route.INFERENCE;
        }
        return Route.BLOCKED;
    }

    /** The model id of a {@link Route#GET_MODEL} path ({@code meta-llama/Llama-3} may come raw or with %2F). */
    public static String modelId(String path) {
        return URLDecoder.decode(path.substring(MODEL_PREFIX.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * Forward-auth's verdict on an original request (path with optional query, as the proxy in front
     * reports it): the proxy then forwards that very request, so only an exact allow-listed path with
     * its own method passes. No {@code /v1/models/{id}} (the upstream would answer it unfiltered), no
     * dot segments, escaped slashes or dots, empty segments or parameters that an upstream could
     * read differently from this gateway.
     */
    public Optional<Route> forwardAuth(String method, String originalUri) {
        int query = originalUri.indexOf('?');
        String path = query >= 0 ? originalUri.substring(0, query) : originalUri;
        if (!plainPath(path)) {
            return Optional.empty();
        }
        Route route = route(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)), path);
        return route == Route.LIST_MODELS || route == Route.INFERENCE ? Optional.of(route) : Optional.empty();
    }

    private static boolean plainPath(String path) {
        if (!path.startsWith("/") || path.contains("//") || path.indexOf(';') >= 0 || path.indexOf('#') >= 0
                || path.indexOf('\\') >= 0) {
            return false;
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%2e") || lower.contains("%5c")) {
            return false;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
