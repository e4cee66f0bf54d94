package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The body pump: the last buffer of a turn goes out with the end, a streamed one within its turn")
class BodyPumpTest {

    private static final Vertx VERTX = Vertx.vertx();
    /** One event loop for every step, so "after the turn" is after the pump's deferred write. */
    private static final Context LOOP = VERTX.getOrCreateContext();

    @AfterAll
    static void close() {
        VERTX.close();
    }

    /** What reached the client response, in order: "write:…", "end:…", "end", "chunked:…"; and its write queue. */
    static final class Client {
        final List<String> calls = new ArrayList<>();
        boolean queueFull;
        /** As the relay set it: the upstream gave no length, or the gateway changes the body. */
        boolean chunked = true;
        boolean headWritten;
        Handler<Void> drain;

        HttpServerResponse response() {
            return (HttpServerResponse) Proxy.newProxyInstance(HttpServerResponse.class.getClassLoader(),
                    new Class<?>[] {HttpServerResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "write" -> {
                            calls.add("write:" + args[0]);
                            headWritten = true;
                            yield Future.succeededFuture();
                        }
                        case "end" -> {
                            calls.add(args == null ? "end" : "end:" + args[0]);
                            headWritten = true;
                            yield Future.succeededFuture();
                        }
                        case "headWritten" -> headWritten;
                        case "isChunked" -> chunked;
                        case "setChunked" -> {
                            chunked = (Boolean) args[0];
                            calls.add("chunked:" + chunked);
                            yield proxy;
                        }
                        case "writeQueueFull" -> queueFull;
                        case "drainHandler" -> {
                            @SuppressWarnings("unchecked")
                            Handler<Void> handler = (Handler<Void>) args[0];
                            drain = handler;
                            yield proxy;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private final FedBody body = new FedBody();
    private final Client client = new Client();
    private final List<Throwable> failures = new ArrayList<>();

    @Test
    @DisplayName("a body read in one go: earlier buffers are written, the last goes with the end (one flush fewer)")
    void lastBufferGoesWithTheEnd() throws Exception {
        pumpAndFeed(() -> {
            body.data.handle(Buffer.buffer("a"));
            body.data.handle(Buffer.buffer("b"));
            body.end.handle(null);
        });
        assertThat(client.calls).containsExactly("write:a", "end:b");
        assertThat(failures).isEmpty();
    }

    @Test
    @DisplayName("a body that ended before the head went out is sent with its length, not in chunks; "
            + "one whose head went out, or that had a length, keeps its framing")
    void wholeBodyGoesWithItsLength() throws Exception {
        pumpAndFeed(() -> {
            body.data.handle(Buffer.buffer("data: 1\n\ndata: [DONE]\n\n"));
            body.end.handle(null);
        });
        assertThat(client.calls).containsExactly("chunked:false", "end:data: 1\n\ndata: [DONE]\n\n");

        Client lengthGiven = new Client();
        lengthGiven.chunked = false;
        FedBody json = new FedBody();
        onEventLoop(() -> {
            BodyPump.start(json, lengthGiven.response(), failures::add);
            json.data.handle(Buffer.buffer("{}"));
            json.end.handle(null);
        });
        afterTheTurn();
        assertThat(lengthGiven.calls).containsExactly("end:{}");
        assertThat(failures).isEmpty();
    }

    @Test
    @DisplayName("a streamed buffer reaches the client when its turn ends, without waiting for the next one")
    void streamedBufferIsNotHeldPastItsTurn() throws Exception {
        pumpAndFeed(() -> body.data.handle(Buffer.buffer("data: 1\n\n")));
        assertThat(client.calls).containsExactly("write:data: 1\n\n");

        onEventLoop(() -> body.end.handle(null));
        afterTheTurn();
        assertThat(client.calls).containsExactly("write:data: 1\n\n", "end");
    }

    @Test
    @DisplayName("a body that tells where its reads end: the last buffer of a read is held until that end, not the turn's")
    void readBatches() throws Exception {
        body.tellsBatches = true;
        onEventLoop(() -> {
            BodyPump.start(body, client.response(), failures::add);
            body.data.handle(Buffer.buffer("data: 1\n\n"));
            body.data.handle(Buffer.buffer("data: 2\n\n"));
            assertThat(client.calls).containsExactly("write:data: 1\n\n");
            body.batchEnd.handle(null); // the read ends within the turn: its last buffer goes now
            assertThat(client.calls).containsExactly("write:data: 1\n\n", "write:data: 2\n\n");
            body.data.handle(Buffer.buffer("data: [DONE]\n\n"));
            body.end.handle(null);
            body.batchEnd.handle(null);
        });
        assertThat(client.calls).containsExactly("write:data: 1\n\n", "write:data: 2\n\n", "end:data: [DONE]\n\n");
        assertThat(failures).isEmpty();
    }

    @Test
    @DisplayName("an upstream failure is reported once, and the client is not ended (the caller resets it)")
    void upstreamFailure() throws Exception {
        IOException broken = new IOException("upstream closed");
        pumpAndFeed(() -> {
            body.data.handle(Buffer.buffer("half an ev"));
            body.failure.handle(broken);
        });
        assertThat(failures).containsExactly(broken);
        assertThat(client.calls).noneMatch(call -> call.startsWith("end"));
    }

    @Test
    @DisplayName("a client that cannot keep up pauses the upstream until its queue drains")
    void backPressure() throws Exception {
        client.queueFull = true;
        onEventLoop(() -> {
            BodyPump.start(body, client.response(), failures::add);
            assertThat(body.paused).isFalse();
            body.data.handle(Buffer.buffer("a"));
        });
        afterTheTurn();
        assertThat(body.paused).isTrue();
        client.queueFull = false;
        onEventLoop(() -> client.drain.handle(null));
        assertThat(body.paused).isFalse();
    }

    /** Starts the pump on the event loop, feeds it in that same turn, and waits for the turn after. */
    private void pumpAndFeed(Runnable feed) throws Exception {
        onEventLoop(() -> {
            BodyPump.start(body, client.response(), failures::add);
            feed.run();
        });
        afterTheTurn();
    }

    private static void onEventLoop(Runnable step) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        LOOP.runOnContext(v -> {
            try {
                step.run();
                done.complete(null);
            } catch (Throwable failure) {
                done.completeExceptionally(failure);
            }
        });
        done.get(5, TimeUnit.SECONDS);
    }

    /** A turn queued after the step's own: the step's deferred writes have run by then. */
    private static void afterTheTurn() throws Exception {
        onEventLoop(() -> { });
    }
}
