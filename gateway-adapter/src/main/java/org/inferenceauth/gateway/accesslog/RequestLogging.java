package org.inferenceauth.gateway.accesslog;

import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/** Counts and logs each request exactly once: when its response ends, or when the client goes away first. */
public final class RequestLogging {

    private final GatewayMetrics metrics;
    private final AccessLog accessLog;

    public RequestLogging(GatewayMetrics metrics, AccessLog accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    /** Logs {@code record} when {@code response} ends (or its connection closes before that). */
    public void observe(HttpServerResponse response, RequestRecord record) {
        AtomicBoolean logged = new AtomicBoolean();
        response.endHandler(v -> {
            if (logged.compareAndSet(false, true)) {
                finish(record, response.getStatusCode(), false);
            }
        });
        response.closeHandler(v -> {
            if (logged.compareAndSet(false, true)) {
                finish(record, response.getStatusCode(), true);
            }
        });
    }

    public void finish(RequestRecord record, int status, boolean clientAborted) {
        metrics.request(record.route, record.identity == null ? "none" : record.identity.channel().label(), status);
        accessLog.write(record, status, clientAborted);
    }
}
