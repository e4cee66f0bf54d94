package org.inferenceauth.gateway.proxy;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;

/**
 * The upstream response headers a client gets: all but the hop-by-hop ones (RFC 9110 §7.6.1,
 * including those the upstream's {@code Connection} names; the server response frames its own
 * body) and the upstream's {@code X-Request-Id} (the client already has the gateway's own).
 */
final class ResponseHeaders {

    private static final HeaderNameSet NOT_RELAYED = new HeaderNameSet(List.of("connection", "keep-alive",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "x-request-id"));

    private ResponseHeaders() {}

    static void copy(UpstreamAnswer upstream, MultiMap client) {
        String connection = upstream.header("connection");
        for (Map.Entry<String, String> header : upstream.headers()) {
            String name = header.getKey();
            if (!NOT_RELAYED.contains(name) && (connection == null || !HopByHop.namedIn(connection, name))) {
                client.add(name, header.getValue());
            }
        }
    }
}
