package org.inferenceauth.gateway.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.inferenceauth.gateway.accesslog.RequestRecord;

/** One client request on its way through the gateway: what the front door learnt that the relay needs. */
final class Exchange {

    final HttpServerRequest request;
    final RequestRecord record;
    /** The request body, once read for its model (JSON inference calls); null while it is still in the client's stream. */
    Buffer body;
    /** The gateway asked the upstream for the stream's usage chunk, which the client did not ask for. */
    boolean usageAdded;

    Exchange(HttpServerRequest request, RequestRecord record) {
        this.request = request;
        this.record = record;
    }
}
