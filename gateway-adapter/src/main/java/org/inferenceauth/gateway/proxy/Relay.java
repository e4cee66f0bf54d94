package org.inferenceauth.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.inferenceauth.gateway.accesslog.RequestRecord;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.inferenceauth.gateway.metrics.GatewayMetrics;
import org.inferenceauth.gateway.net.ClientAddress;
import org.inferenceauth.gateway.routing.Upstream;
import org.inferenceauth.gateway.routing.UpstreamAuth;

/**
 * Sends an admitted request to its upstream and relays the answer, straight from the upstream
 * connection to Vert.x's server response: headers in one pass each way, the body pumped with
 * back-pressure both ways ({@link BodyPump}), nothing held beyond the event loop's turn. Response
 * bodies are never transformed, so SSE chunks pass through as they arrive; taps only look at them
 * on the way (usage, an upstream failure mid-stream). The upstream's idle timeout covers both the wait for
 * response headers (a long prefill) and silence in the middle of a stream. A client that goes
 * away resets the upstream call, so a model stops generating for nobody.
 *
 * <p>A buffered body (JSON inference calls) to a plain-HTTP upstream goes on the gateway's own
 * connections, on Netty's codec ({@link UpstreamConnections}); a streamed body (uploads) or a TLS
 * upstream on Vert.x's client ({@link UpstreamClients}).
 */
public final class Relay {

    private static final CharSequence X_ACCEL_BUFFERING = HeaderNames.of("x-accel-buffering");
    private static final CharSequence NO = HttpHeaders.createOptimized("no");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");

    /** What the relay needs to know about upstream calls. */
    public record Settings(Optional<String> apiKey, ClientAddress clientAddress, UpstreamAuth auth,
                           Duration connectTimeout, Duration idleTimeout) {}

    private final UpstreamClients clients;
    private final UpstreamConnections connections;
    private final Settings settings;
    private final GatewayMetrics metrics;
    private final long connectTimeoutMillis;
    private final long idleTimeoutMillis;

    public Relay(UpstreamClients clients, Settings settings, GatewayMetrics metrics) {
        this.clients = clients;
        this.settings = settings;
        this.metrics = metrics;
        this.connectTimeoutMillis = settings.connectTimeout().toMillis();
        this.idleTimeoutMillis = settings.idleTimeout().toMillis();
        this.connections = clients.connections();
    }

    void send(Exchange exchange, Upstream upstream, Identity identity) {
        HttpServerRequest request = exchange.request;
        MultiMap headers = UpstreamHeaders.of(request, identity, exchange.record.requestId, settings);
        // From the parsed path and query, never the raw target: an absolute-form target
        // (http://host/v1/…) must reach the upstream in origin-form.
        String uri = upstream.uriFor(request.path(), request.query());
        long sentAt = System.nanoTime();
        ContextInternal context = (ContextInternal) Vertx.currentContext();
        if (exchange.body != null && !upstream.ssl() && context != null) {
            sendDirect(context, exchange, upstream, headers, uri, sentAt);
            return;
        }
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(upstream.host())
                .setPort(upstream.port())
                .setSsl(upstream.ssl())
                .setURI(uri)
                .setHeaders(headers)
                .setConnectTimeout(connectTimeoutMillis)
                .setIdleTimeout(idleTimeoutMillis);
        clients.current().request(options)
                .compose(upstreamRequest -> {
                    // The client went away (connection closed or reset): so does the upstream call.
                    request.response().exceptionHandler(failure -> upstreamRequest.reset(0, failure));
                    return sendBody(exchange, upstreamRequest)
                            .map(response -> {
                                relayResponse(exchange, upstream, new VertxAnswer(upstreamRequest, response), sentAt);
                                return null;
                            });
                })
                .onFailure(failure -> failed(exchange, failure));
    }

    /** A buffered body to a plain-HTTP upstream, the common case: on Netty's codec directly ({@link UpstreamConnections}). */
    private void sendDirect(ContextInternal context, Exchange exchange, Upstream upstream, MultiMap headers, String uri,
                            long sentAt) {
        HttpServerRequest request = exchange.request;
        ByteBuf body = ((BufferInternal) exchange.body).getByteBuf();
        headers.set(HttpHeaders.HOST, upstream.authority());
        headers.set(HttpHeaders.CONTENT_LENGTH, HttpHeaders.createOptimized(Integer.toString(body.readableBytes())));
        // Vert.x's header map is Netty's too: encoded as it is, no copy.
        FullHttpRequest upstreamRequest = new DefaultFullHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                request.method().toNetty(), uri, body, (io.netty.handler.codec.http.HttpHeaders) headers,
                EmptyHttpHeaders.INSTANCE);
        HttpServerResponse response = request.response();
        connections.send(context, upstream, upstreamRequest, idleTimeoutMillis, new UpstreamConnections.CallListener() {
            @Override
            public boolean abandoned() {
                return response.closed();
            }

            @Override
            public void started(UpstreamCall call) {
                response.exceptionHandler(call::reset);
            }

            @Override
            public void answered(UpstreamCall call) {
                relayResponse(exchange, upstream, call, sentAt);
            }

            @Override
            public void failed(Throwable failure) {
                Relay.failed(exchange, failure);
            }
        });
    }

    private static void failed(Exchange exchange, Throwable failure) {
        HttpServerResponse response = exchange.request.response();
        if (!response.headWritten() && !response.closed()) { // nobody to tell otherwise
            LocalReplies.error(exchange, UpstreamFailures.toError(failure));
        }
    }

    /** The body the admission read (JSON inference calls), or the client's own stream, piped with its framing. */
    private static Future<HttpClientResponse> sendBody(Exchange exchange, HttpClientRequest upstreamRequest) {
        if (exchange.body != null) {
            return upstreamRequest.send(exchange.body); // with its Content-Length
        }
        HttpServerRequest request = exchange.request;
        String length = request.getHeader("content-length");
        if (length != null) {
            upstreamRequest.putHeader("content-length", length);
        } else if (request.getHeader("transfer-encoding") != null
                || (request.version() == HttpVersion.HTTP_2 && mayHaveBody(request.method()))) {
            upstreamRequest.setChunked(true); // HTTP/2 has no length to pass on for a body it streams
        } else {
            request.resume(); // no body: let the (empty) client stream end, so its connection moves on
            return upstreamRequest.send();
        }
        request.pipe().endOnFailure(false).to(upstreamRequest).onFailure(failure -> upstreamRequest.reset(0, failure));
        return upstreamRequest.response();
    }

    private void relayResponse(Exchange exchange, Upstream upstream, UpstreamAnswer answer, long sentAt) {
        answer.body().pause();
        int status = answer.status();
        metrics.upstream(upstream.label(), status, Duration.ofNanos(System.nanoTime() - sentAt));
        if (settings.auth().refused(upstream, status)) {
            // About the gateway's key (the client's was never sent): passed on, an SDK would tell
            // its user that their own key is wrong. The body is dropped for the gateway's own.
            answer.discard();
            LocalReplies.error(exchange, OpenAiError.upstreamAuthFailed());
            return;
        }
        HttpServerResponse out = exchange.request.response();
        out.setStatusCode(status);
        if (answer.statusMessage() != null) {
            out.setStatusMessage(answer.statusMessage());
        }
        ResponseHeaders.copy(answer, out.headers());
        ReadStream<Buffer> body = body(exchange, answer, out);
        if (!out.headers().contains("content-length") && status != 204 && status != 304
                && exchange.request.method() != HttpMethod.HEAD) {
            if (exchange.request.version() == HttpVersion.HTTP_1_0) {
                endBuffered(body, out, answer); // an HTTP/1.0 client cannot read chunks
                return;
            }
            out.setChunked(true);
        }
        BodyPump.start(body, out, failure -> {
            answer.reset(failure);
            out.reset();
        });
    }

    /** The upstream's body, with the taps that count its tokens and turn a break mid-stream into an SSE error event. */
    private static ReadStream<Buffer> body(Exchange exchange, UpstreamAnswer answer, HttpServerResponse out) {
        ReadStream<Buffer> response = answer.body();
        String type = answer.header("content-type");
        if (type == null) {
            return response;
        }
        if (type.regionMatches(true, 0, "text/event-stream", 0, 17)) {
            // Tell nginx (and friends) in front not to buffer the stream.
            out.putHeader(X_ACCEL_BUFFERING, NO);
            out.putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
            if (exchange.usageAdded) { // the usage chunk the client did not ask for is taken out again
                out.headers().remove("content-length");
            }
            return new TappedStream(new SseFailureGuard(response),
                    new SseUsageTap(exchange.usageAdded, tokensOf(exchange.record)));
        }
        if (answer.status() == 200 && type.regionMatches(true, 0, "application/json", 0, 16)) {
            return new TappedStream(response, new JsonUsageTap(tokensOf(exchange.record)));
        }
        return response;
    }

    private static TokenSink tokensOf(RequestRecord record) {
        return (prompt, completion) -> {
            record.promptTokens = prompt;
            record.completionTokens = completion;
        };
    }

    private static void endBuffered(ReadStream<Buffer> body, HttpServerResponse out, UpstreamAnswer answer) {
        Buffer whole = Buffer.buffer();
        body.handler(whole::appendBuffer);
        body.exceptionHandler(failure -> {
            answer.reset(failure);
            out.reset();
        });
        body.endHandler(v -> out.end(whole));
        body.resume();
    }

    /** Vert.x's client's answer. */
    private record VertxAnswer(HttpClientRequest request, HttpClientResponse response) implements UpstreamAnswer {

        @Override
        public int status() {
            return response.statusCode();
        }

        @Override
        public String statusMessage() {
            return response.statusMessage();
        }

        @Override
        public String header(String name) {
            return response.getHeader(name);
        }

        @Override
        public Iterable<Map.Entry<String, String>> headers() {
            return response.headers();
        }

        @Override
        public ReadStream<Buffer> body() {
            return response;
        }

        @Override
        public void discard() {
            response.resume(); // read to its end and dropped, so the connection can be pooled again
        }

        @Override
        public void reset(Throwable cause) {
            request.reset(0, cause);
        }
    }

    private static boolean mayHaveBody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    }
}
