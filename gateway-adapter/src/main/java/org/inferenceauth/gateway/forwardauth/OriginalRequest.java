package org.inferenceauth.gateway.forwardauth;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Optional;
import org.inferenceauth.gateway.config.ForwardAuthProxy;

/**
 * The request a forward-auth check is about, read from where the configured proxy puts it and
 * nowhere else. The proxy sets that header itself, replacing a client's; any other place a
 * client could name an original request (another proxy's header, a path suffix) must then be
 * absent or agree, and the configured header must come exactly once. Anything else is refused.
 */
record OriginalRequest(String method, String uri) {

    static final String CHECK_PATH = "/auth";

    private static final List<String> URI_HEADERS = List.of("x-original-uri", "x-forwarded-uri", "x-envoy-original-path");
    private static final List<String> METHOD_HEADERS = List.of("x-original-method", "x-forwarded-method");

    static Optional<OriginalRequest> read(ForwardAuthProxy proxy, HttpServerRequest check) {
        String suffix = check.path().substring(CHECK_PATH.length());
        String suffixUri = suffix.isEmpty() ? null : suffix + (check.query() == null ? "" : "?" + check.query());
        Optional<String> uri;
        Optional<String> method;
        switch (proxy) {
            case NGINX -> {
                uri = single(check, "x-original-uri");
                method = single(check, "x-original-method");
            }
            case TRAEFIK -> {
                uri = single(check, "x-forwarded-uri");
                method = single(check, "x-forwarded-method");
            }
            default -> { // ENVOY: the check request is the original with the path prefixed
                uri = Optional.ofNullable(suffixUri);
                method = Optional.of(check.method().name());
            }
        }
        if (uri.isEmpty() || method.isEmpty()) {
            return Optional.empty();
        }
        OriginalRequest original = new OriginalRequest(method.get(), uri.get());
        boolean agrees = (proxy == ForwardAuthProxy.ENVOY || suffixUri == null)
                && URI_HEADERS.stream().allMatch(h -> check.headers().getAll(h).stream().allMatch(original.uri::equals))
                && METHOD_HEADERS.stream().allMatch(h -> check.headers().getAll(h).stream()
                        .allMatch(original.method::equalsIgnoreCase));
        return agrees ? Optional.of(original) : Optional.empty();
    }

    private static Optional<String> single(HttpServerRequest check, String header) {
        List<String> values = check.headers().getAll(header);
        return values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
    }
}
