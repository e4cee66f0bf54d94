package org.inferenceauth.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.util.Map;
import java.util.stream.Stream;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.auth.IdentityHeaders;

/**
 * The request headers an upstream gets, built in one pass over the client's: no hop-by-hop header
 * (RFC 9110 §7.6.1, including those the client's {@code Connection} names), no client credential
 * (nor anything else {@link IdentityHeaders} strips), the gateway's identity assertions, its own
 * key, the gateway's request id (vLLM takes {@code X-Request-Id} as its own request id, so a client
 * must not choose it), and an {@code X-Forwarded-For} that a client can only extend through a
 * trusted proxy. {@code Host} and the body's framing are the upstream request's own.
 */
final class UpstreamHeaders {

    private static final HeaderNameSet NOT_FORWARDED = new HeaderNameSet(Stream.concat(Stream.of("connection",
            "keep-alive", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length",
            "expect", // the body is already here (or streams now): no 100-continue upstream
            "x-request-id", "x-forwarded-for", "x-forwarded-proto"), IdentityHeaders.STRIPPED.stream()).toList());

    private UpstreamHeaders() {}

    static MultiMap of(HttpServerRequest request, Identity identity, String requestId, Relay.Settings settings) {
        MultiMap client = request.headers();
        // Not validated again: the client's names and values were validated as Netty decoded them, and the
        // gateway's own are safe by construction (identity values percent-encoded, the upstream key checked
        // at start, the request id its own, addresses parsed).
        MultiMap upstream = HeadersMultiMap.caseInsensitive();
        String forwardedFor = null;
        String connection = client.get("connection");
        for (Map.Entry<String, String> header : client) {
            String name = header.getKey();
            if (NOT_FORWARDED.contains(name) || IdentityHeaders.isOwnNamespace(name)
                    || (connection != null && HopByHop.namedIn(connection, name))) {
                if (name.equalsIgnoreCase("x-forwarded-for")) {
                    forwardedFor = forwardedFor == null ? header.getValue() : forwardedFor + ", " + header.getValue();
                }
                continue;
            }
            upstream.add(name, header.getValue());
        }
        // Added, not set: none of these names was copied from the client above.
        IdentityHeaders.write(identity, (name, value) -> upstream.add(HeaderNames.of(name), value));
        settings.apiKey().ifPresent(key -> upstream.add(HeaderNames.AUTHORIZATION, "Bearer " + key));
        upstream.add(HeaderNames.X_REQUEST_ID, requestId);
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        upstream.add(HeaderNames.X_FORWARDED_FOR, forwardedFor != null && settings.clientAddress().trustedPeer(peer)
                ? forwardedFor + ", " + peer : peer);
        upstream.add(HeaderNames.X_FORWARDED_PROTO, request.scheme() == null ? "http" : request.scheme());
        return upstream;
    }
}
