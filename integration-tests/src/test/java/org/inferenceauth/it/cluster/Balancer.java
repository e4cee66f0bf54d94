package org.inferenceauth.it.cluster;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.inferenceauth.testkit.FreePorts;

/**
 * Debian's nginx as the load balancer in front of the Keycloak nodes, a child process on a free
 * loopback port, configured with the documented snippet {@code docs/cluster/keycloak-balancer.conf}
 * (its example ports replaced by this run's).
 */
final class Balancer implements AutoCloseable {

    static final Path NGINX = Path.of("/usr/sbin/nginx");
    static final Path SNIPPET = Path.of("../docs/cluster/keycloak-balancer.conf");

    private final int port = FreePorts.next();
    private final Path dir;
    private final Process process;

    Balancer(Path dir, int nodeA, int nodeB) throws IOException, InterruptedException {
        if (!Files.isExecutable(NGINX)) {
            throw new IllegalStateException("nginx is not installed at " + NGINX + " (apt-get install nginx)");
        }
        this.dir = Files.createDirectories(dir);
        String snippet = Files.readString(SNIPPET)
                .replace("127.0.0.1:8081", "127.0.0.1:" + nodeA)
                .replace("127.0.0.1:8082", "127.0.0.1:" + nodeB)
                .replace("listen 127.0.0.1:8080", "listen 127.0.0.1:" + port);
        Files.writeString(dir.resolve("keycloak-balancer.conf"), snippet);
        String conf = """
                daemon off;
                master_process off;
                worker_processes 1;
                error_log %1$s/error.log warn;
                pid %1$s/nginx.pid;
                events { worker_connections 512; }
                http {
                    log_format upstreams '$request_method $uri $status upstream=$upstream_addr';
                    access_log %1$s/access.log upstreams;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/keycloak-balancer.conf;
                }
                """.formatted(dir.toAbsolutePath());
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        process = new ProcessBuilder(NGINX.toString(), "-p", dir.toAbsolutePath().toString(), "-c",
                file.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        awaitListening();
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("stdout.log"))
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("nginx did not listen within 30 s");
    }

    /** The balancer's base URL: Keycloak's {@code --hostname}, the issuer's origin. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The access log: one line per request, with the node that answered it ({@code upstream=}). */
    Path accessLog() {
        return dir.resolve("access.log");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
