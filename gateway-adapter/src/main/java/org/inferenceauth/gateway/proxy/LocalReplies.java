package org.inferenceauth.gateway.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.inferenceauth.gateway.errors.OpenAiError;

/**
 * Answers the gateway gives itself instead of asking an upstream. The request's unread body is
 * let go (resumed without a handler: dropped), so a keep-alive connection moves on to its next request.
 */
final class LocalReplies {

    private LocalReplies() {}

    static void error(Exchange exchange, OpenAiError error) {
        exchange.record.errorCode = error.code();
        HttpServerResponse response = start(exchange, error.status());
        error.headers().forEach(response::putHeader);
        response.end(Buffer.buffer(error.body()));
    }

    static void json(Exchange exchange, int status, JsonObject json) {
        start(exchange, status).end(json.toBuffer());
    }

    private static HttpServerResponse start(Exchange exchange, int status) {
        exchange.request.resume();
        return exchange.request.response().setStatusCode(status).putHeader("content-type", "application/json");
    }
}
