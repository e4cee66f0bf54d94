package org.inferenceauth.gateway.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The machine's {@code redis-server} as a child process serving TLS only, with a server certificate of
 * a {@link TestCa}: a Redis behind an operator's internal CA. It listens on 127.0.0.1, which the
 * certificate names, and on 127.0.0.2, which it does not (for host-name checks).
 */
public final class TlsRedis implements AutoCloseable {

    private final Process process;
    private final int port;

    private TlsRedis(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Whether {@code redis-server} is on the PATH (tests that need it are skipped without). */
    public static boolean installed() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "redis-server"))) {
                return true;
            }
        }
        return false;
    }

    public static TlsRedis start(TestCa ca) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tls-redis");
        int port = freePort();
        Process process = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", Integer.toString(port),
                "--bind", "127.0.0.1", "127.0.0.2", "--tls-cert-file", ca.serverCert().toString(),
                "--tls-key-file", ca.serverKey().toString(), "--tls-ca-cert-file", ca.caFile().toString(),
                "--tls-auth-clients", "no", "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        TlsRedis redis = new TlsRedis(process, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!listening(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                redis.close();
                throw new IOException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
            }
            Thread.sleep(20);
        }
        return redis;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** {@code rediss://} on an address the certificate names. */
    public String url() {
        return "rediss://127.0.0.1:" + port;
    }

    /** {@code rediss://} on an address the certificate does not name. */
    public String urlOfUnnamedHost() {
        return "rediss://127.0.0.2:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
