package org.inferenceauth.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.Map;

/**
 * The upstream response headers a client gets: all but the hop-by-hop ones (RFC 9110 §7.6.1,
 * including those the upstream's {@code Connection} names; the server response frames its own
 * body) and the upstream's {@code X-Request-Id} (the client already has the gateway's own).
 */
final class ResponseHeaders {

    /** Case-insensitive, looked up without allocating. */
    private static final MultiMap NOT_RELAYED = HttpHeaders.headers();

    static {
        for (String name : new String[] {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                "trailer", "transfer-encoding", "upgrade"}) {
            NOT_RELAYED.add(name, "");
        }
        NOT_RELAYED.add(HeaderNames.X_REQUEST_ID, "");
    }

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
