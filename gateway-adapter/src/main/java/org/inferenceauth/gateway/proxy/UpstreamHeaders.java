package org.inferenceauth.gateway.proxy;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.ProxyRequest;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.auth.IdentityHeaders;

/**
 * The request headers an upstream gets: no client credential (nor anything else {@link IdentityHeaders}
 * strips), the gateway's identity assertions, its own key, the gateway's request id (vLLM takes
 * {@code X-Request-Id} as its own request id, so a client must not choose it), and an
 * {@code X-Forwarded-For} that a client can only extend through a trusted proxy.
 */
final class UpstreamHeaders {

    private UpstreamHeaders() {}

    static void apply(ProxyRequest request, Identity identity, String requestId, GatewayInterceptor.UpstreamSettings settings) {
        HttpServerRequest server = request.proxiedRequest();
        IdentityHeaders.stripClientCredentials(request.headers());
        request.headers().remove("expect"); // the body is already here (or streams now): no 100-continue upstream
        IdentityHeaders.write(identity, request::putHeader);
        settings.apiKey().ifPresent(key -> request.putHeader("authorization", "Bearer " + key));
        request.putHeader("x-request-id", requestId);
        String peer = server.remoteAddress() == null ? "unknown" : server.remoteAddress().hostAddress();
        String forwardedFor = String.join(", ", request.headers().getAll("x-forwarded-for"));
        request.putHeader("x-forwarded-for", !forwardedFor.isEmpty() && settings.clientAddress().trustedPeer(peer)
                ? forwardedFor + ", " + peer : peer);
        request.putHeader("x-forwarded-proto", server.scheme() == null ? "http" : server.scheme());
    }
}
