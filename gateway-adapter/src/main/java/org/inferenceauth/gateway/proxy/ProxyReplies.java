package org.inferenceauth.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyResponse;
import org.inferenceauth.gateway.errors.OpenAiError;

/**
 * Answers the gateway gives itself instead of asking an upstream. Always a succeeded future with
 * an explicit response: in vertx-http-proxy 5.0.7 releasing the request and failing the future
 * sends no reply at all.
 */
final class ProxyReplies {

    private ProxyReplies() {}

    static Future<ProxyResponse> error(ProxyContext ctx, OpenAiError error) {
        ProxyResponse response = ctx.request().release().response()
                .setStatusCode(error.status())
                .setBody(Body.body(Buffer.buffer(error.body()), MediaType.APPLICATION_JSON));
        error.headers().forEach(response::putHeader);
        return Future.succeededFuture(response);
    }

    static Future<ProxyResponse> json(ProxyContext ctx, int status, JsonObject json) {
        return Future.succeededFuture(ctx.request().release().response()
                .setStatusCode(status)
                .setBody(Body.body(json.toBuffer(), MediaType.APPLICATION_JSON)));
    }
}
