package org.inferenceauth.gateway.proxy;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.ProxyRequest;
import java.util.Optional;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.auth.IdentityHeaders;

/** The request headers an upstream gets: no client credential, the gateway's identity assertions, its own key. */
final class UpstreamHeaders {

    private UpstreamHeaders() {}

    static void apply(ProxyRequest request, Identity identity, Optional<String> upstreamApiKey) {
        HttpServerRequest server = request.proxiedRequest();
        IdentityHeaders.stripClientCredentials(request.headers());
        request.headers().remove("expect"); // the body is already here (or streams now): no 100-continue upstream
        IdentityHeaders.write(identity, request::putHeader);
        upstreamApiKey.ifPresent(key -> request.putHeader("authorization", "Bearer " + key));
        String forwardedFor = request.headers().get("x-forwarded-for");
        String client = server.remoteAddress() == null ? "unknown" : server.remoteAddress().hostAddress();
        request.putHeader("x-forwarded-for", forwardedFor == null ? client : forwardedFor + ", " + client);
        request.putHeader("x-forwarded-proto", server.scheme() == null ? "http" : server.scheme());
    }
}
