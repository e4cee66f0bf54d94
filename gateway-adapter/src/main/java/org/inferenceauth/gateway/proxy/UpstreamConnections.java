package org.inferenceauth.gateway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.inferenceauth.gateway.routing.Upstream;

/**
 * Keep-alive HTTP/1.1 connections to plain-HTTP upstreams, pooled per event loop, on Netty's codec
 * directly. Vert.x's client costs a future chain, a pool lease through a combiner, a header copy
 * and a response object per call; for the gateway's common case (a buffered JSON body to a plain
 * upstream) that was a sixth of its CPU per request. A call stays on the event loop that accepted
 * the client's connection, and the configured connection limit is per loop, callers beyond it wait
 * in line. Pooled connections are dropped before the upstream would time them out.
 */
final class UpstreamConnections {

    private final VertxInternal vertx;
    private final int maxPerLoop;
    private final long keepAliveNanos;
    private final long connectTimeoutMillis;
    private final FastThreadLocal<Map<Upstream, Pool>> pools = new FastThreadLocal<>() {
        @Override
        protected Map<Upstream, Pool> initialValue() {
            return new HashMap<>();
        }
    };

    /** Every open connection, for {@link #close()}; a pool itself is only ever touched by its own loop. */
    private final ChannelGroup all = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    UpstreamConnections(VertxInternal vertx, int maxPerLoop, long keepAliveMillis, long connectTimeoutMillis) {
        this.vertx = vertx;
        this.maxPerLoop = maxPerLoop;
        this.keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveMillis);
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    /**
     * What the sender of a call is told, on the call's event loop: plain calls, not a future,
     * whose listener and dispatch through the Vert.x context were 1 % of the gateway's CPU.
     */
    interface CallListener {

        /**
         * Asked when a connection comes free for a call that had to wait in line: a call whose client
         * has gone meanwhile is dropped there (failing with {@link Abandoned}), so a model does not
         * start work for nobody.
         */
        boolean abandoned();

        /** The call is on its way (it can be reset from now on). */
        void started(UpstreamCall call);

        /** The answer's head arrived; its body follows, paused ({@link UpstreamCall#body()}). Told once, or {@link #failed}. */
        void answered(UpstreamCall call);

        /** The call failed before its answer's head. */
        void failed(Throwable failure);
    }

    /** Sends a request on a pooled (or new) connection of the calling event loop. */
    void send(ContextInternal context, Upstream upstream, HttpRequest request, long idleTimeoutMillis,
              CallListener listener) {
        Pool pool = pools.get().computeIfAbsent(upstream, u -> new Pool(u, context.nettyEventLoop()));
        pool.lease(new Waiter(listener::abandoned, connection -> {
            UpstreamCall call = new UpstreamCall(connection, idleTimeoutMillis, listener);
            connection.start(call);
            listener.started(call);
            connection.channel.writeAndFlush(request).addListener(written -> {
                if (!written.isSuccess()) {
                    call.fail(written.cause());
                }
            });
        }, failure -> {
            ReferenceCountUtil.release(request);
            listener.failed(failure);
        }));
    }

    /** A call dropped before it was sent: its client went away while it waited for a connection. */
    static final class Abandoned extends IOException {
        Abandoned() {
            super("The client went away before an upstream connection was free");
        }
    }

    /** Closes every pooled connection (calls in progress fail as if the upstream had closed them). */
    Future<Void> close() {
        Promise<Void> closed = Promise.promise();
        all.close().addListener(done -> closed.complete());
        return closed.future();
    }

    private interface Lease {
        void granted(Connection connection);
    }

    private interface Refusal {
        void failed(Throwable failure);
    }

    private record Waiter(BooleanSupplier abandoned, Lease lease, Refusal refusal) {}

    /** One upstream's connections on one event loop: touched by that loop only. */
    final class Pool {

        private final Bootstrap bootstrap;
        private final ArrayDeque<Connection> idle = new ArrayDeque<>();
        private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        private int open;

        Pool(Upstream upstream, EventLoop loop) {
            this.bootstrap = new Bootstrap()
                    .group(loop)
                    .channelFactory(vertx.transport().channelFactory(false))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis))
                    // Vert.x's resolver (asynchronous, with its cache): Netty's default blocks the event loop.
                    .resolver(vertx.nameResolver().nettyAddressResolverGroup())
                    .remoteAddress(upstream.host(), upstream.port())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            channel.pipeline().addLast(new HttpClientCodec(), new Connection(Pool.this, channel));
                        }
                    });
        }

        private void lease(Waiter waiter) {
            Connection connection;
            long now = System.nanoTime();
            while ((connection = idle.pollLast()) != null) {
                if (connection.channel.isActive() && now - connection.idleSince < keepAliveNanos) {
                    waiter.lease().granted(connection);
                    return;
                }
                connection.channel.close(); // the upstream may be closing it right now: never reuse it
            }
            if (open < maxPerLoop) {
                connect(waiter.lease(), waiter.refusal());
            } else {
                waiters.add(waiter);
            }
        }

        private void connect(Lease lease, Refusal refusal) {
            open++;
            bootstrap.connect().addListener(connected -> {
                if (connected.isSuccess()) {
                    Channel channel = ((ChannelFuture) connected).channel();
                    all.add(channel);
                    lease.granted(channel.pipeline().get(Connection.class));
                } else {
                    open--;
                    refusal.failed(connected.cause());
                    nextWaiter();
                }
            });
        }

        /** The answer was read to its end and both sides keep the connection alive. */
        private void release(Connection connection) {
            Waiter waiter = nextWanted();
            if (waiter != null) {
                waiter.lease().granted(connection);
            } else {
                connection.idleSince = System.nanoTime();
                idle.addLast(connection);
            }
        }

        private void closed(Connection connection) {
            open--;
            idle.remove(connection);
            nextWaiter();
        }

        private void nextWaiter() {
            Waiter waiter = nextWanted();
            if (waiter != null) {
                lease(waiter);
            }
        }

        /** The first waiter whose client is still there; those gone before are failed on the way. */
        private Waiter nextWanted() {
            Waiter waiter;
            while ((waiter = waiters.poll()) != null && waiter.abandoned().getAsBoolean()) {
                waiter.refusal().failed(new Abandoned());
            }
            return waiter;
        }
    }

    /**
     * The end of a connection's pipeline: hands what Netty decoded to the call in progress, and
     * watches it for an upstream gone silent. One timer per connection, not one per call: it is
     * armed for the first call, fires no later than the call in progress may stay silent, and then
     * looks again; on a pooled connection it lapses until the next call.
     */
    static final class Connection extends ChannelInboundHandlerAdapter {

        private final Pool pool;
        final Channel channel;
        private UpstreamCall call;
        private long idleSince;
        private ScheduledFuture<?> idleCheck;
        /** When the pending idle check fires ({@link System#nanoTime()}). */
        private long idleCheckAt;

        Connection(Pool pool, Channel channel) {
            this.pool = pool;
            this.channel = channel;
        }

        void start(UpstreamCall call) {
            this.call = call;
            long deadline = call.idleDeadline();
            if (call.idleTimeoutNanos > 0 && (idleCheck == null || idleCheckAt - deadline > 0)) {
                if (idleCheck != null) {
                    idleCheck.cancel(false);
                }
                checkIdleIn(call.idleTimeoutNanos, deadline);
            }
        }

        /** The call read its answer to the end: the connection is free for the next. */
        void release() {
            call = null;
            pool.release(this);
        }

        private void checkIdleIn(long nanos, long at) {
            idleCheckAt = at;
            idleCheck = channel.eventLoop().schedule(this::checkIdle, nanos, TimeUnit.NANOSECONDS);
        }

        private void checkIdle() {
            idleCheck = null;
            if (call == null) {
                return;
            }
            long now = System.nanoTime();
            long left = call.idleNanosLeft(now);
            if (left <= 0) {
                call.fail(new TimeoutException("The upstream sent nothing for " + call.idleTimeoutNanos / 1_000_000 + " ms"));
            } else if (left != Long.MAX_VALUE) {
                checkIdleIn(left, now + left);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (call != null) {
                call.read(message);
            } else {
                ReferenceCountUtil.release(message); // nothing asked: an idle connection's stray bytes
                ctx.close();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (call != null) {
                call.readComplete();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (idleCheck != null) {
                idleCheck.cancel(false);
                idleCheck = null;
            }
            if (call != null) {
                call.fail(new IOException("The upstream closed the connection"));
            }
            pool.closed(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (call != null) {
                call.fail(cause);
            }
            ctx.close();
        }
    }
}
