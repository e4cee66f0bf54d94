package org.inferenceauth.gateway.limit.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.Transports;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce clients whose connections live on the gateway's own event loops, one client per loop, instead
 * of on Lettuce's I/O threads. A script run sent from a loop is then written there, and its answer read
 * and handled there: no thread is woken to carry the call out and the answer back. On two cores, those
 * wake-ups and Lettuce's threads competing with the loops were much of what limits in Redis cost.
 *
 * <p>Lettuce picks its channel class itself (io_uring where the kernel has it, else NIO), and a channel
 * registers only on a loop of its own kind: the clients are bound only when Vert.x runs the same kind.
 * Otherwise (NIO asked for on a host with io_uring) there is one client on Lettuce's own threads.
 * Nothing here may block on a bound loop: connecting and closing are done from other threads.
 */
final class LoopRedisClients implements AutoCloseable {

    /** A client, and the loop its connections live on ({@code null}: Lettuce's own threads). */
    record Bound(EventLoop loop, RedisClient client) {}

    private final ClientResources shared;
    private final List<ClientResources> perLoop = new ArrayList<>();
    private final List<Bound> clients = new ArrayList<>();

    LoopRedisClients(Vertx vertx, RedisURI uri, ClientOptions options) {
        VertxInternal internal = (VertxInternal) vertx;
        // Vert.x's resolver: asynchronous and cached, as the relay's own upstream connections use it.
        // No command latency histograms: nothing reads them, and each command paid to record one.
        this.shared = DefaultClientResources.builder()
                .addressResolverGroup(internal.nameResolver().nettyAddressResolverGroup())
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .build();
        boolean lettuceNative = Transports.socketChannelClass() != NioSocketChannel.class;
        if (lettuceNative == vertx.isNativeTransportEnabled()) {
            for (EventExecutor executor : internal.nettyEventLoopGroup()) {
                EventLoop loop = (EventLoop) executor;
                ClientResources resources = DefaultClientResources.builder()
                        .eventLoopGroupProvider(new OneLoop(loop))
                        .eventExecutorGroup(shared.eventExecutorGroup())
                        .timer(shared.timer())
                        .commandLatencyRecorder(shared.commandLatencyRecorder())
                        .addressResolverGroup(shared.addressResolverGroup())
                        .build();
                perLoop.add(resources);
                clients.add(new Bound(loop, client(resources, uri, options)));
            }
        } else {
            clients.add(new Bound(null, client(shared, uri, options)));
        }
    }

    private static RedisClient client(ClientResources resources, RedisURI uri, ClientOptions options) {
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(options);
        return client;
    }

    List<Bound> clients() {
        return clients;
    }

    /** Shuts the clients, then their resources (never the loops, which are Vert.x's). Not on a bound loop. */
    @Override
    public void close() {
        clients.forEach(bound -> bound.client().shutdown());
        perLoop.forEach(ClientResources::shutdown);
        shared.shutdown();
    }

    /** Hands Lettuce one of Vert.x's loops (a loop is a group of one), and never shuts it down. */
    private record OneLoop(EventLoop loop) implements EventLoopGroupProvider {

        @Override
        @SuppressWarnings("unchecked")
        public <T extends EventLoopGroup> T allocate(Class<T> type) {
            return (T) loop;
        }

        @Override
        public int threadPoolSize() {
            return 1;
        }

        @Override
        public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout, TimeUnit unit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }

        @Override
        public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }
    }
}
