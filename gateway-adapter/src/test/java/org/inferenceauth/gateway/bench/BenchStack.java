package org.inferenceauth.gateway.bench;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.inferenceauth.gateway.GatewayServer;
import org.inferenceauth.gateway.auth.apikey.ApiKeyFormatPrecheck;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.demo.upstream.DemoUpstream;
import org.inferenceauth.gateway.testing.FakeKeycloak;
import org.inferenceauth.gateway.testing.GatewayFixture;

/**
 * For {@code bench/run.sh}, not a test: a demo upstream (no chunk delay), a stand-in Keycloak and
 * the gateway, all on loopback. Writes {@code UPSTREAM=}, {@code GATEWAY=} and {@code KEY=} lines to
 * the file named by the first argument, then runs until killed. The access log is off, as an
 * operator would ship it asynchronously; everything else is the production code path.
 */
public final class BenchStack {

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx();
        FakeKeycloak keycloak = new FakeKeycloak(vertx).start();
        DemoUpstream upstream = new DemoUpstream(vertx, List.of("bench-model"), Duration.ZERO)
                .start("127.0.0.1", 0).await();
        Map<String, String> env = new java.util.HashMap<>(GatewayFixture.env(keycloak.issuer(), upstream.baseUrl(),
                Map.of("GATEWAY_ACCESS_LOG", "false")));
        GatewayConfig config = GatewayConfig.fromEnv(env);
        GatewayServer gateway = new GatewayServer(vertx, config,
                new ApiKeyFormatPrecheck(config.keyCache().allowedPrefixes()), new PrintStream(OutputStream.nullOutputStream()));
        gateway.start().await();
        FakeKeycloak.Key key = keycloak.mintKey("bench");
        Files.writeString(Path.of(args[0]), "UPSTREAM=http://127.0.0.1:" + upstream.port() + "\n"
                + "GATEWAY=http://127.0.0.1:" + gateway.port() + "\n"
                + "KEY=" + key.token() + "\n");
        Thread.currentThread().join();
    }
}
