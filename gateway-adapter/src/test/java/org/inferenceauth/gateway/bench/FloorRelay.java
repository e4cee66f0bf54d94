package org.inferenceauth.gateway.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.transport.Transport;
import org.inferenceauth.gateway.GatewayTransport;
import org.inferenceauth.gateway.config.GatewayConfig;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * For {@code bench/run.sh}, not a test: two reverse proxies that do nothing but relay, as floors
 * for the gateway's cost per request on the same machine and transport (the gateway's choice:
 * io_uring where it runs, else NIO; its default number of event loops): what the JVM and Netty cost, and what
 * Vert.x's HTTP server adds on top.
 * <ul>
 *   <li>{@code netty PORT UPSTREAM_PORT}: Netty's HTTP codecs both ways, each client connection
 *       relayed message by message to an upstream connection of its own;</li>
 *   <li>{@code vertx PORT UPSTREAM_PORT}: Vert.x's HTTP server in front (as the gateway's), the body
 *       read whole, every header copied to a Netty request and back to Vert.x's response, upstream
 *       connections kept per event loop on Netty's client codec (as the gateway's).</li>
 * </ul>
 * Neither authenticates, counts or limits anything: the gap between them and the gateway is the
 * gateway's own work. Errors are not handled beyond closing: wrk's error and timeout counts show any.
 */
public final class FloorRelay {

    /** The transport the gateway would run on here. */
    private static final Transport TRANSPORT = GatewayTransport.choose(Optional.empty());

    private FloorRelay() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[1]);
        int upstreamPort = Integer.parseInt(args[2]);
        int loops = GatewayConfig.defaultEventLoops(Runtime.getRuntime().availableProcessors());
        switch (args[0]) {
            case "netty" -> netty(port, upstreamPort, loops);
            case "vertx" -> vertx(port, upstreamPort, loops);
            default -> throw new IllegalArgumentException("netty or vertx, not " + args[0]);
        }
        System.out.println("relaying 127.0.0.1:" + port + " to 127.0.0.1:" + upstreamPort + " on " + TRANSPORT.name());
    }

    private static void netty(int port, int upstreamPort, int loops) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, TRANSPORT.implementation().ioHandlerFactory());
        new ServerBootstrap().group(group).channelFactory(TRANSPORT.implementation().serverChannelFactory(false))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new ClientSide(upstreamPort));
                    }
                })
                .bind("127.0.0.1", port).syncUninterruptibly();
    }

    /** A client connection: what it sends goes to its own upstream connection as decoded, flushed per read. */
    private static final class ClientSide extends ChannelInboundHandlerAdapter {

        private final int upstreamPort;
        private final ArrayDeque<Object> beforeConnected = new ArrayDeque<>();
        private Channel upstream;

        ClientSide(int upstreamPort) {
            this.upstreamPort = upstreamPort;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            upstream = upstreamBootstrap(client.eventLoop(), upstreamPort, false, new UpstreamSide(client)).connect()
                    .addListener((ChannelFutureListener) connected -> {
                        Object message;
                        while ((message = beforeConnected.poll()) != null) {
                            connected.channel().write(message);
                        }
                        connected.channel().flush();
                    }).channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof HttpRequest request) {
                request.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + upstreamPort);
            }
            if (upstream.isActive()) {
                upstream.write(message);
            } else {
                beforeConnected.add(message);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            upstream.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            beforeConnected.forEach(ReferenceCountUtil::release);
            upstream.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static final class UpstreamSide extends ChannelInboundHandlerAdapter {

        private final Channel client;

        UpstreamSide(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            client.write(message);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            client.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            client.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** @param whole whether answers reach {@code last} whole (one {@link FullHttpResponse}) or as decoded */
    private static Bootstrap upstreamBootstrap(EventLoop loop, int upstreamPort, boolean whole,
                                               ChannelInboundHandlerAdapter last) {
        return new Bootstrap().group(loop).channelFactory(TRANSPORT.implementation().channelFactory(false))
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress("127.0.0.1", upstreamPort)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpClientCodec());
                        if (whole) {
                            channel.pipeline().addLast(new HttpObjectAggregator(1 << 20));
                        }
                        channel.pipeline().addLast(last);
                    }
                });
    }

    private static void vertx(int port, int upstreamPort, int loops) {
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(loops))
                .withTransport(TRANSPORT).build();
        for (int i = 0; i < loops; i++) {
            vertx.deployVerticle(new VertxRelay(port, upstreamPort)).await();
        }
    }

    /** One event loop's server; its upstream connections are its own, reused once an answer is read. */
    private static final class VertxRelay extends VerticleBase {

        private final int port;
        private final int upstreamPort;
        private final ArrayDeque<Channel> idle = new ArrayDeque<>();

        VertxRelay(int port, int upstreamPort) {
            this.port = port;
            this.upstreamPort = upstreamPort;
        }

        @Override
        public Future<?> start() {
            EventLoop loop = ((ContextInternal) context).nettyEventLoop();
            return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                    .requestHandler(request -> request.body().onSuccess(body -> relay(loop, request, body)))
                    .listen(port, "127.0.0.1");
        }

        private void relay(EventLoop loop, HttpServerRequest request, Buffer body) {
            DefaultFullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                    io.netty.handler.codec.http.HttpMethod.valueOf(request.method().name()), request.uri(),
                    ((BufferInternal) body).getByteBuf());
            for (Map.Entry<String, String> header : request.headers()) {
                out.headers().add(header.getKey(), header.getValue());
            }
            out.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + upstreamPort);
            Consumer<FullHttpResponse> answer = response -> {
                var reply = request.response().setStatusCode(response.status().code());
                for (Map.Entry<String, String> header : response.headers()) {
                    if (!header.getKey().equalsIgnoreCase("connection")) {
                        reply.headers().add(header.getKey(), header.getValue());
                    }
                }
                reply.end(Buffer.buffer(ByteBufUtil.getBytes(response.content())));
            };
            Channel channel = idle.poll();
            if (channel != null && channel.isActive()) {
                send(channel, out, answer);
                return;
            }
            upstreamBootstrap(loop, upstreamPort, true, new Answers()).connect()
                    .addListener((ChannelFutureListener) connected -> send(connected.channel(), out, answer));
        }

        private void send(Channel channel, DefaultFullHttpRequest out, Consumer<FullHttpResponse> answer) {
            channel.pipeline().get(Answers.class).next = response -> {
                answer.accept(response);
                idle.add(channel);
            };
            channel.writeAndFlush(out);
        }
    }

    private static final class Answers extends SimpleChannelInboundHandler<FullHttpResponse> {

        private Consumer<FullHttpResponse> next;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            next.accept(response);
        }
    }
}
