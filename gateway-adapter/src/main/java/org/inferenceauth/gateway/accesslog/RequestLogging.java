package org.inferenceauth.gateway.accesslog;

import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Counts and logs each request exactly once: when its response ends, or when the client goes away
 * first; then hands the finished record to {@code afterEach} (usage accounting).
 */
public final class RequestLogging {

    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final Consumer<RequestRecord> afterEach;

    public RequestLogging(GatewayMetrics metrics, AccessLog accessLog, Consumer<RequestRecord> afterEach) {
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.afterEach = afterEach;
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
        afterEach.accept(record);
    }
}
