package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetServer;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.inferenceauth.gateway.routing.Upstream;
import org.inferenceauth.gateway.testing.ProductionVertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The relay's own upstream connections ({@link UpstreamConnections}, {@link UpstreamCall}) against
 * real servers on loopback: pooling and its limit, what ends a connection, and a body that breaks,
 * stalls or is read slowly.
 */
@DisplayName("Upstream connections on Netty's codec")
class UpstreamConnectionsTest {

    Vertx vertx;
    ContextInternal context;
    final AtomicInteger connections = new AtomicInteger();

    @BeforeEach
    void start() {
        vertx = ProductionVertx.create();
        context = (ContextInternal) vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    /** One call on the test's event loop; completes with the whole body as a string. */
    Future<String> call(UpstreamConnections pool, Upstream upstream, long idleTimeoutMillis) {
        return call(pool, upstream, idleTimeoutMillis, () -> false);
    }

    Future<String> call(UpstreamConnections pool, Upstream upstream, long idleTimeoutMillis, BooleanSupplier abandoned) {
        Promise<String> whole = Promise.promise();
        context.runOnContext(v -> {
            var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions",
                    Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
            request.headers().set("host", upstream.authority()).set("content-length", 2);
            send(pool, upstream, request, idleTimeoutMillis, abandoned).onComplete(head -> {
                if (head.failed()) {
                    whole.fail(head.cause());
                    return;
                }
                Buffer body = Buffer.buffer();
                head.result().body().handler(body::appendBuffer)
                        .exceptionHandler(whole::tryFail)
                        .endHandler(end -> whole.tryComplete(head.result().status() + " " + body));
                head.result().body().resume();
            });
        });
        return whole.future();
    }

    /** A call on the test's event loop; the future completes with it once its answer's head arrived. */
    Future<UpstreamCall> send(UpstreamConnections pool, Upstream upstream, DefaultFullHttpRequest request,
                              long idleTimeoutMillis, BooleanSupplier abandoned) {
        Promise<UpstreamCall> head = Promise.promise();
        pool.send(context, upstream, request, idleTimeoutMillis, new UpstreamConnections.CallListener() {
            @Override
            public boolean abandoned() {
                return abandoned.getAsBoolean();
            }

            @Override
            public void started(UpstreamCall call) {
            }

            @Override
            public void answered(UpstreamCall call) {
                assertThat(head.tryComplete(call)).as("told once").isTrue();
            }

            @Override
            public void failed(Throwable failure) {
                assertThat(head.tryFail(failure)).as("told once").isTrue();
            }
        });
        return head.future();
    }

    UpstreamConnections pool(int limit) {
        return new UpstreamConnections((VertxInternal) vertx, limit, 4_000, 2_000);
    }

    Upstream httpServer(Function<Integer, Long> delayMillisOfCall, boolean closeAfterEach) {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = vertx.createHttpServer()
                .connectionHandler(connection -> connections.incrementAndGet())
                .requestHandler(request -> request.body().onSuccess(body -> {
                    int n = calls.incrementAndGet();
                    vertx.setTimer(Math.max(1, delayMillisOfCall.apply(n)), t -> {
                        if (closeAfterEach) {
                            request.response().putHeader("connection", "close");
                        }
                        request.response().end("answer " + n);
                    });
                }))
                .listen(0, "127.0.0.1").await();
        return Upstream.of(URI.create("http://127.0.0.1:" + server.actualPort() + "/v1"));
    }

    /** An upstream that answers every connection with the same raw bytes, then closes it or keeps it silent. */
    Upstream rawServer(String answer, boolean thenClose) {
        NetServer server = vertx.createNetServer().connectHandler(socket -> {
            connections.incrementAndGet();
            socket.handler(request -> {
                if (answer != null) {
                    socket.write(answer);
                }
                if (thenClose) {
                    socket.close();
                }
            });
        }).listen(0, "127.0.0.1").await();
        return Upstream.of(URI.create("http://127.0.0.1:" + server.actualPort() + "/v1"));
    }

    static <T> T await(Future<T> future) {
        return future.toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    @DisplayName("calls one after another share one kept-alive connection")
    void sequentialCallsReuseTheConnection() {
        UpstreamConnections pool = pool(4);
        Upstream upstream = httpServer(n -> 0L, false);

        for (int i = 1; i <= 3; i++) {
            assertThat(await(call(pool, upstream, 5_000))).isEqualTo("200 answer " + i);
        }
        assertThat(connections).hasValue(1);
    }

    @Test
    @DisplayName("an upstream named by host name is resolved (and connected to) like one named by address")
    void hostName() {
        Upstream byAddress = httpServer(n -> 0L, false);
        Upstream byName = Upstream.of(URI.create("http://localhost:" + byAddress.port() + "/v1"));

        assertThat(await(call(pool(4), byName, 5_000))).isEqualTo("200 answer 1");
    }

    @Test
    @DisplayName("calls beyond the connection limit wait for a free connection, and are all answered")
    void callsBeyondTheLimitWait() {
        UpstreamConnections pool = pool(2);
        Upstream upstream = httpServer(n -> 100L, false);

        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(call(pool, upstream, 5_000));
        }

        assertThat(calls).allSatisfy(answer -> assertThat(await(answer)).startsWith("200 answer "));
        assertThat(connections).hasValue(2);
    }

    @Test
    @DisplayName("a waiting call whose client went away is dropped, never sent: the next one in line gets the connection")
    void abandonedWaitersAreNotSent() {
        UpstreamConnections pool = pool(1);
        AtomicInteger received = new AtomicInteger();
        Upstream upstream = httpServer(n -> {
            received.incrementAndGet();
            return 200L;
        }, false);
        AtomicBoolean secondClientGone = new AtomicBoolean();

        Future<String> first = call(pool, upstream, 5_000);
        Future<String> second = call(pool, upstream, 5_000, secondClientGone::get);
        Future<String> third = call(pool, upstream, 5_000);
        secondClientGone.set(true); // while the first holds the only connection

        assertThat(await(first)).isEqualTo("200 answer 1");
        assertThat(await(third)).isEqualTo("200 answer 2");
        assertThatThrownBy(() -> await(second)).hasCauseInstanceOf(UpstreamConnections.Abandoned.class);
        assertThat(received).as("calls the upstream got").hasValue(2);
    }

    @Test
    @DisplayName("an answer with Connection: close is not followed by another call on its connection")
    void connectionCloseIsHonoured() {
        UpstreamConnections pool = pool(4);
        Upstream upstream = httpServer(n -> 0L, true);

        assertThat(await(call(pool, upstream, 5_000))).isEqualTo("200 answer 1");
        assertThat(await(call(pool, upstream, 5_000))).isEqualTo("200 answer 2");
        assertThat(connections).hasValue(2);
    }

    @Test
    @DisplayName("a broken chunk fails the body: never passed on as its end")
    void brokenChunkFails() {
        Upstream upstream = rawServer("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\nmore", false);

        assertThatThrownBy(() -> await(call(pool(4), upstream, 5_000))).isInstanceOf(CompletionException.class);
    }

    @Test
    @DisplayName("a connection closed before the announced length fails the body")
    void shortBodyFails() {
        Upstream upstream = rawServer("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten..", true);

        assertThatThrownBy(() -> await(call(pool(4), upstream, 5_000)))
                .hasRootCauseMessage("The upstream closed the connection");
    }

    @Test
    @DisplayName("an HTTP/1.0 answer without a length is read to the connection's close")
    void bodyToTheClose() {
        Upstream upstream = rawServer("HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it", true);

        assertThat(await(call(pool(4), upstream, 5_000))).isEqualTo("200 all of it");
    }

    @Test
    @DisplayName("interim answers (100 Continue, 103 Early Hints) are skipped for the real one")
    void interimAnswers() {
        Upstream upstream = rawServer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", false);

        assertThat(await(call(pool(4), upstream, 5_000))).isEqualTo("200 ok");
    }

    @Test
    @DisplayName("an upstream silent for the idle timeout fails the call with a timeout")
    void silentUpstreamTimesOut() {
        Upstream upstream = rawServer(null, false);
        long started = System.nanoTime();

        assertThatThrownBy(() -> await(call(pool(4), upstream, 300))).hasRootCauseInstanceOf(TimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    @DisplayName("on a kept-alive connection each call gets the whole idle timeout from its own start, and no more")
    void idleTimeoutPerCallOnSharedConnection() {
        UpstreamConnections pool = pool(1);
        // Each answer comes within the timeout of its own call, but the second ends after the first call's would have.
        Upstream upstream = httpServer(n -> n == 1 ? 250L : n == 2 ? 350L : 5_000L, false);

        assertThat(await(call(pool, upstream, 450))).isEqualTo("200 answer 1");
        assertThat(await(call(pool, upstream, 450))).isEqualTo("200 answer 2");
        assertThat(connections).hasValue(1);
        long started = System.nanoTime();
        assertThatThrownBy(() -> await(call(pool, upstream, 450))).hasRootCauseInstanceOf(TimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(450), Duration.ofMillis(4_000));
    }

    @Test
    @DisplayName("nobody listening: the call fails to connect")
    void refusedConnection() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Upstream upstream = Upstream.of(URI.create("http://127.0.0.1:" + port + "/v1"));

        assertThatThrownBy(() -> await(call(pool(4), upstream, 5_000))).hasRootCauseInstanceOf(ConnectException.class);
    }

    @Test
    @DisplayName("a body read slowly stops the connection's reads, and the connection serves the next call after")
    void pausedBodyThenNextCall() {
        int size = 64 << 20; // beyond what loopback's socket buffers take in
        Buffer big = Buffer.buffer(new byte[size]);
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean bigWritten = new AtomicBoolean();
        HttpServer server = vertx.createHttpServer()
                .connectionHandler(connection -> connections.incrementAndGet())
                .requestHandler(request -> request.body().onSuccess(body -> {
                    if (calls.incrementAndGet() == 1) {
                        request.response().end(big).onSuccess(v -> bigWritten.set(true));
                    } else {
                        request.response().end("small");
                    }
                }))
                .listen(0, "127.0.0.1").await();
        Upstream upstream = Upstream.of(URI.create("http://127.0.0.1:" + server.actualPort() + "/v1"));
        UpstreamConnections pool = pool(1);

        Promise<Integer> received = Promise.promise();
        AtomicBoolean writtenWhilePaused = new AtomicBoolean(true);
        context.runOnContext(v -> {
            var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions",
                    Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
            request.headers().set("host", upstream.authority()).set("content-length", 2);
            send(pool, upstream, request, 5_000, () -> false).onSuccess(call -> {
                AtomicInteger bytes = new AtomicInteger();
                call.body().handler(buffer -> {
                    if (bytes.getAndAdd(buffer.length()) == 0) { // the first buffer: stop for a while
                        call.body().pause();
                        vertx.setTimer(500, t -> {
                            writtenWhilePaused.set(bigWritten.get());
                            call.body().resume();
                        });
                    }
                }).endHandler(end -> received.complete(bytes.get()));
                call.body().resume();
            });
        });

        assertThat(await(received.future())).isEqualTo(size);
        assertThat(writtenWhilePaused).as("the upstream could not write it all while the body was paused").isFalse();
        assertThat(await(call(pool, upstream, 5_000))).isEqualTo("200 small");
        assertThat(connections).hasValue(1);
    }
}
