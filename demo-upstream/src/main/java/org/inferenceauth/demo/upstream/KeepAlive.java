package org.inferenceauth.demo.upstream;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DEMO ONLY. Idle keep-alive connections closed the way uvicorn (vLLM's server) closes them:
 * {@code timeout} after the last response ended ({@code --timeout-keep-alive}, 5 s by default).
 *
 * <p>A client that reuses a connection just as the server closes it loses its request: the close
 * and the request cross on the wire, and the client sees the connection drop without an answer.
 * That is the race a client's own keep-alive must stay below. Here it is deterministic: a request
 * that arrives on a connection idle for {@code timeout} or longer is dropped unanswered, and
 * {@code lateBy} says how much later the close itself happens (0: at once, as on an idle uvicorn;
 * more: a server too busy to close on time, so that tests meet the race on purpose).
 */
final class KeepAlive {

    private final Vertx vertx;
    private final Duration timeout;
    private final Duration lateBy;
    private final Map<HttpConnection, Idle> connections = new ConcurrentHashMap<>();

    /** One connection's state; touched only on its own event loop. */
    private static final class Idle {
        int inFlight;
        long idleSinceNanos = -1; // -1: no response ended yet (uvicorn starts the timeout after a response)
        long timer = -1;
    }

    KeepAlive(Vertx vertx, Duration timeout, Duration lateBy) {
        this.vertx = vertx;
        this.timeout = timeout;
        this.lateBy = lateBy;
    }

    void opened(HttpConnection connection) {
        connections.put(connection, new Idle());
        connection.closeHandler(v -> {
            Idle idle = connections.remove(connection);
            if (idle != null && idle.timer >= 0) {
                vertx.cancelTimer(idle.timer);
            }
        });
    }

    /** A request arrived; false when it crossed the idle close: the caller then closes the connection, unanswered. */
    boolean requestStarted(HttpConnection connection) {
        Idle idle = connections.get(connection);
        if (idle == null) {
            return true;
        }
        if (idle.inFlight == 0 && idle.idleSinceNanos >= 0 && System.nanoTime() - idle.idleSinceNanos >= timeout.toNanos()) {
            return false;
        }
        if (idle.timer >= 0) {
            vertx.cancelTimer(idle.timer);
            idle.timer = -1;
        }
        idle.inFlight++;
        return true;
    }

    void responseEnded(HttpConnection connection) {
        Idle idle = connections.get(connection);
        if (idle == null || --idle.inFlight > 0) {
            return;
        }
        idle.idleSinceNanos = System.nanoTime();
        idle.timer = vertx.setTimer(Math.max(1, timeout.plus(lateBy).toMillis()), id -> {
            idle.timer = -1;
            if (idle.inFlight == 0) {
                connection.close();
            }
        });
    }
}
