package org.inferenceauth.gateway.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay to a server (the test Redis) that a test can cut and restore, as when the network or
 * the server goes away and comes back: {@link #cut()} closes every relayed connection and stops
 * listening (connections are refused), {@link #restore()} listens on the same port again.
 */
public final class TcpRelay implements AutoCloseable {

    private final Vertx vertx;
    private final String targetHost;
    private final int targetPort;
    private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
    private volatile NetServer server;
    private int port;

    public TcpRelay(Vertx vertx, String targetHost, int targetPort) {
        this.vertx = vertx;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    public TcpRelay start() {
        server = vertx.createNetServer().connectHandler(this::relay).listen(port, "127.0.0.1").await();
        port = server.actualPort();
        return this;
    }

    private void relay(NetSocket client) {
        client.pause();
        sockets.add(client);
        vertx.createNetClient().connect(targetPort, targetHost).onComplete(done -> {
            if (done.failed() || !sockets.contains(client)) {
                client.close();
                return;
            }
            NetSocket target = done.result();
            sockets.add(target);
            client.closeHandler(v -> target.close());
            target.closeHandler(v -> client.close());
            client.handler(target::write);
            target.handler(client::write);
            client.resume();
        });
    }

    public int port() {
        return port;
    }

    /** Drops every connection and refuses new ones. */
    public void cut() {
        server.close().await();
        // Waited for: a call right after must find the connections closed, not race their closing
        // (a command relayed just before the close took effect reached Redis after the "cut").
        Future.all(sockets.stream().map(NetSocket::close).toList()).await();
        sockets.clear();
    }

    /** Accepts connections on the same port again. */
    public void restore() {
        start();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().await();
        }
        sockets.forEach(NetSocket::close);
    }
}
